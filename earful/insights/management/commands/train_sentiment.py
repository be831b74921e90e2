"""`earful train-sentiment`: fit the sentiment classifier on the train split of ../shared/data.

Reads `womens_clothing_ecommerce_reviews.csv` and `clinc150_data_full.json` from
EARFUL_SHARED_DATA (default ../shared/data), embeds the reviews, their titles and 2,500 plain
requests, fits both classifiers of sentiment.py on the train split (training.py), evaluates once
on the test split beside VADER on the same rows, and writes
earful/insights/text/weights/sentiment-v1.npz and its .json (checksums, split, seed, metrics).
Embedding takes most of the time: 10-30 minutes on two CPU cores; `--embeddings-cache DIR`
keeps the embeddings for a second run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from earful.insights.text import training
from earful.insights.text.embedding import embed
from earful.insights.text.sentiment import WEIGHTS

CHUNK = 256


class Command(BaseCommand):
    help = "Fit the sentiment classifier on ../shared/data (train split) and write its weights."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=WEIGHTS, help="weights file (.npz)")
        parser.add_argument("--embeddings-cache", type=Path, help="a folder to keep embeddings in")

    def handle(self, *args: Any, **options: Any) -> None:
        reviews_path = training.clothing_path()
        requests_path = training.shared_data_dir() / training.CLINC_FILE
        for path in (reviews_path, requests_path):
            if not path.is_file():
                raise CommandError(f"{path}: not found (set EARFUL_SHARED_DATA to the data folder)")
        cache: Path | None = options["embeddings_cache"]
        reviews = training.read_reviews(reviews_path)
        titled = [review for review in reviews if review.title]
        requests = training.plain_requests(requests_path)
        review_vectors = self._embed("reviews", [r.text for r in reviews], cache)
        title_vectors = self._embed("titles", [r.title for r in titled], cache)
        request_vectors = self._embed("requests", requests, cache)
        train, test = training.split_reviews(reviews)
        in_train = {review.row_id for review in train}
        rows = {review.row_id: i for i, review in enumerate(reviews)}
        title_rows = [i for i, review in enumerate(titled) if review.row_id in in_train]
        data = training.training_set(
            train,
            review_vectors[[rows[r.row_id] for r in train]],
            [titled[i] for i in title_rows],
            title_vectors[title_rows],
            requests,
            request_vectors,
        )
        self.stdout.write(f"fitting on {data.sizes} ...")
        model = training.fit_sentiment(data)
        test_vectors = review_vectors[[rows[r.row_id] for r in test]]
        meta = training.describe_fit(
            reviews_path, requests_path, train, test, data, model, test_vectors
        )
        model.save(options["out"], meta=meta)
        got = meta["test"]
        self.stdout.write(
            f"test accuracy {got['accuracy']:.3f}, macro-F1 {got['macro_f1']:.3f} "
            f"(VADER {got['vader_macro_f1']:.3f}); wrote {options['out']}"
        )

    def _embed(self, name: str, texts: Sequence[str], cache: Path | None) -> np.ndarray:
        stored = cache / f"{name}.npy" if cache else None
        if stored and stored.exists():
            vectors = np.load(stored)
            if len(vectors) == len(texts):
                return vectors
        columns = (TextColumn(f"Embedding {name}"), BarColumn(), MofNCompleteColumn())
        parts = []
        with Progress(*columns, TimeRemainingColumn(), console=Console(stderr=True)) as bar:
            task = bar.add_task(name, total=len(texts))
            for start in range(0, len(texts), CHUNK):
                parts.append(embed(texts[start : start + CHUNK]))
                bar.advance(task, len(parts[-1]))
        vectors = np.vstack(parts)
        if stored:
            stored.parent.mkdir(parents=True, exist_ok=True)
            np.save(stored, vectors)
        return vectors
