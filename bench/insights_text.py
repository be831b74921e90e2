"""Sentiment, hesitancy and enrichment speed on real text from ../shared/data.

    .venv/bin/python bench/insights_text.py [--cache DIR]

- Sentiment: each of the three domains labelled for sentiment (reviews, tweets, Reddit comments;
  earful/insights/text/domains.py) held out in turn: the method is fit on the train rows of the
  other domains (BANKING77 problem reports included) and measured on the held-out domain's test
  subset (1,500 rows), beside VADER alone on the same rows; then the shipped model (fit on the
  train rows of all four) on the same test rows.
- Hesitancy: precision and recall on the hand-labelled set (bench/labels/hesitancy.csv, see
  docs/dev/hesitancy-labelling.md): the test half, which the rules were not tuned on; all 300
  rows and the probing lexicon alone are shown for comparison.
- Speed: model load time in a fresh process, and items/s of the full enrichment
  (`enrich_texts`: embedding + sentiment + hesitancy) on short texts (2,000 BANKING77 test
  requests) and on reviews (1,000 clothing reviews with their ratings).
Embeddings are kept in data/cache/emb (ignored by git) so a rerun skips them.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from earful.insights.text import embedding, training  # noqa: E402
from earful.insights.text.hesitancy import detect_hesitancy  # noqa: E402
from earful.insights.text.pipeline import enrich_texts  # noqa: E402
from earful.insights.text.sentiment import shipped_model  # noqa: E402
from earful.surveys.probing import hedging_phrase, negative_cues  # noqa: E402

LABELS_FILE = ROOT / "bench" / "labels" / "hesitancy.csv"
RATING_SCALE = (1.0, 5.0)
Row = tuple[str, str, str]


CACHE = ROOT / "data" / "cache" / "emb"


def sentiment_rows() -> list[Row]:
    from earful.insights.text import domains

    tests = {d: training.load_domain(d, "test", CACHE) for d in domains.DOMAINS}
    trains = {d: training.load_domain(d, "train", CACHE) for d in domains.FITTED}
    result = []
    for held in domains.DOMAINS:
        model, _ = training.fit_sentiment([trains[d] for d in domains.FITTED if d != held])
        got = training.evaluate(model, tests[held])
        result.append(
            (
                f"sentiment macro-F1, {held} held out ({got['rows']} test rows)",
                f"{got['macro_f1']:.3f} (VADER {got['vader_macro_f1']:.3f})",
                ">= 0.70",
            )
        )
    for domain, part in tests.items():
        got = training.evaluate(shipped_model(), part)
        result.append(
            (
                f"  shipped model (fit on all domains' train rows), {domain} test",
                f"{got['macro_f1']:.3f} (VADER {got['vader_macro_f1']:.3f})",
                "",
            )
        )
    return result


def _precision_recall(pairs: list[tuple[int, bool]]) -> str:
    tp = sum(1 for label, flagged in pairs if label and flagged)
    flagged = sum(1 for _, hit in pairs if hit)
    positives = sum(label for label, _ in pairs)
    precision = tp / flagged if flagged else 0.0
    recall = tp / positives if positives else 0.0
    return (
        f"P {precision:.2f} / R {recall:.2f} ({tp} of {flagged} flags right, {positives} hesitant)"
    )


def hesitancy_rows(test: list[training.Review]) -> list[Row]:
    with LABELS_FILE.open(newline="") as stream:
        labelled = list(csv.DictReader(stream))
    index = {review.row_id: i for i, review in enumerate(test)}
    rows = [(int(row["row_id"]), int(row["label"]), row["split"]) for row in labelled]
    texts = [test[index[row_id]].text for row_id, _, _ in rows]
    ratings = [test[index[row_id]].rating for row_id, _, _ in rows]
    picked = training.cached_embeddings(texts, CACHE)
    sentiments = shipped_model().classify(picked, texts)
    ours = [
        detect_hesitancy(text, s, score=rating, scale=RATING_SCALE).hesitant
        for text, s, rating in zip(texts, sentiments, ratings, strict=True)
    ]
    lexicon = [
        hedging_phrase(text) is not None or (rating >= 4 and len(negative_cues(text)) >= 2)
        for text, rating in zip(texts, ratings, strict=True)
    ]

    def pairs(flags: list[bool], split: str | None) -> list[tuple[int, bool]]:
        return [
            (label, flag)
            for (_, label, s), flag in zip(rows, flags, strict=True)
            if split in (None, s)
        ]

    half = sum(1 for _, _, s in rows if s == "test")
    return [
        (
            f"hesitancy, labelled test half ({half} reviews)",
            _precision_recall(pairs(ours, "test")),
            "P, R >= 0.5",
        ),
        (
            f"  same, all {len(rows)} labelled (dev half tuned on)",
            _precision_recall(pairs(ours, None)),
            "",
        ),
        ("  probing lexicon alone, test half", _precision_recall(pairs(lexicon, "test")), ""),
    ]


def _load_seconds() -> float:
    code = (
        "import time; t = time.perf_counter(); "
        "from earful.insights.text.embedding import embed; embed(['warm up']); "
        "print(time.perf_counter() - t)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def _banking_texts(count: int) -> list[str]:
    with (training.shared_data_dir() / "banking77_test.csv").open(newline="") as stream:
        return [row["text"] for row in csv.DictReader(stream)][:count]


def _rate(texts: list[str], scores: list[float | None], scale: list | None) -> tuple[float, float]:
    """(items per second of wall time, items per CPU-second of this process: all its threads)."""
    wall, cpu = time.perf_counter(), time.process_time()
    enrich_texts(texts, scores, scale)
    return len(texts) / (time.perf_counter() - wall), len(texts) / (time.process_time() - cpu)


def speed_rows(reviews: list[training.Review]) -> list[Row]:
    enrich_texts(["warm up"], [None])
    short = _banking_texts(1000)
    short_wall, short_cpu = _rate(short, [None] * len(short), None)
    sample = reviews[:300]
    review_wall, review_cpu = _rate(
        [r.text for r in sample], [r.rating for r in sample], [RATING_SCALE] * len(sample)
    )
    banking = enrich_texts(short[:500], [None] * 500)
    shares = Counter(item.sentiment for item in banking)
    spread = ", ".join(f"{label} {100 * shares[label] / 500:.0f}%" for label in training.LABELS)
    load = os.getloadavg()[0]
    return [
        (f"model load, fresh process ({embedding.runtime()})", f"{_load_seconds():.1f} s", ""),
        (
            f"enrichment, short texts (1,000 BANKING77); load {load:.1f}, {os.cpu_count()} cores",
            f"{short_wall:.0f} items/s; {1000 / short_cpu:.1f} CPU-ms per item",
            ">= 600/s on 2 free cores",
        ),
        (
            "enrichment, reviews (300, ~60 words each)",
            f"{review_wall:.0f} items/s; {1000 / review_cpu:.1f} CPU-ms per item",
            ">= 100/s on 2 free cores",
        ),
        ("  sentiment of 500 BANKING77 requests (no labels)", spread, "mostly not positive"),
    ]


def rows() -> list[Row]:
    reviews = training.read_reviews()
    _, test = training.split_reviews(reviews)
    return [*sentiment_rows(), *hesitancy_rows(test), *speed_rows(test)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Earful text insights on ../shared/data")
    for column in ("metric", "value", "target"):
        table.add_column(column)
    for metric, value, target in rows():
        table.add_row(metric, value, target)
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
