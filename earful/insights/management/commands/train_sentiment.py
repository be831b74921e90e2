"""`earful train-sentiment`: fit the sentiment classifier on four domains of ../shared/data.

Reads the clothing reviews, TweetEval, GoEmotions and BANKING77 from EARFUL_SHARED_DATA (default
../shared/data), takes the fixed subset of each domain's train split (training.TRAIN_ROWS),
embeds it, fits the classifier of sentiment.py and chooses its neutral band on held-out rows
of the same train splits (training.fit_sentiment), measures it once on each domain's test
subset beside VADER, and writes earful/insights/text/weights/sentiment-v2.npz and its .json.
`--leave-out DOMAIN` fits without that domain (to see how the method carries to a domain it
never saw; the benchmark does this for each). Embedding takes most of the time (10-30 minutes
on two busy cores); `--embeddings-cache DIR` keeps the embeddings for a second run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from earful.insights.text import domains, training
from earful.insights.text.sentiment import WEIGHTS


class Command(BaseCommand):
    help = "Fit the sentiment classifier on ../shared/data (train splits) and write its weights."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=WEIGHTS, help="weights file (.npz)")
        parser.add_argument("--embeddings-cache", type=Path, help="a folder to keep embeddings in")
        parser.add_argument("--leave-out", choices=domains.FITTED, help="a domain not to fit on")

    def handle(self, *args: Any, **options: Any) -> None:
        for domain in domains.FITTED:
            path = domains.path_of(domain)
            if not path.is_file():
                raise CommandError(f"{path}: not found (set EARFUL_SHARED_DATA to the data folder)")
        cache: Path | None = options["embeddings_cache"]
        fitted = [d for d in domains.FITTED if d != options["leave_out"]]
        self.stdout.write(f"embedding the train rows of {', '.join(fitted)} ...")
        parts = [training.load_domain(domain, "train", cache) for domain in fitted]
        model, how = training.fit_sentiment(parts)
        tests = {
            d: training.evaluate(model, training.load_domain(d, "test", cache))
            for d in domains.DOMAINS
        }
        meta: dict[str, object] = {
            "command": "earful train-sentiment",
            "data": {
                domains.FILES[d]: training.sha256_of(domains.path_of(d)) for d in domains.FITTED
            },
            "domains": "see earful/insights/text/domains.py for labels and splits",
            "fitted_on": {p.domain: len(p.texts) for p in parts},
            "seed": domains.SEED,
            "model": "all-MiniLM-L6-v2 (384) + VADER (4), logistic regression "
            f"C={training.C}, classes and domains weighted equally",
            "neutral_band": how,
            "test": tests,
        }
        model.save(options["out"], meta=meta)
        for domain, got in tests.items():
            self.stdout.write(
                f"{domain}: macro-F1 {got['macro_f1']:.3f} (VADER {got['vader_macro_f1']:.3f})"
            )
        self.stdout.write(f"neutral band {how['band']}; wrote {options['out']}")
