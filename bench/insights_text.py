"""Sentiment, hesitancy and enrichment speed on real text from ../shared/data.

    .venv/bin/python bench/insights_text.py [--cache DIR]

- Sentiment: the clothing reviews' test split (earful/insights/text/training.py; ratings 1-2
  negative, 3 neutral, 4-5 positive), accuracy and macro-F1, beside VADER alone on the same rows.
  The classifier was fit on the train split only (`earful train-sentiment`).
- Hesitancy: precision and recall on the hand-labelled set (bench/labels/hesitancy.csv, see
  docs/dev/hesitancy-labelling.md): the test half, which the rules were not tuned on; all 300
  rows and the probing lexicon alone are shown for comparison.
- Speed: model load time in a fresh process, and items/s of the full enrichment
  (`enrich_texts`: embedding + sentiment + hesitancy) on short texts (2,000 BANKING77 test
  requests) and on reviews (1,000 clothing reviews with their ratings).
`--cache DIR` keeps the test split's embeddings between runs (experiments only).
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

import numpy as np  # noqa: E402

from earful.insights.text import training  # noqa: E402
from earful.insights.text.embedding import embed  # noqa: E402
from earful.insights.text.hesitancy import detect_hesitancy  # noqa: E402
from earful.insights.text.pipeline import enrich_texts  # noqa: E402
from earful.insights.text.sentiment import shipped_model  # noqa: E402
from earful.surveys.probing import hedging_phrase, negative_cues  # noqa: E402

LABELS_FILE = ROOT / "bench" / "labels" / "hesitancy.csv"
RATING_SCALE = (1.0, 5.0)
Row = tuple[str, str, str]


def _test_embeddings(test: list[training.Review], cache: Path | None) -> np.ndarray:
    path = cache / "clothing-test-embeddings.npy" if cache else None
    if path and path.exists():
        stored = np.load(path)
        if len(stored) == len(test):
            return stored
    embeddings = embed([review.text for review in test])
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, embeddings)
    return embeddings


def sentiment_rows(test: list[training.Review], embeddings: np.ndarray) -> list[Row]:
    texts = [review.text for review in test]
    truth = [review.label for review in test]
    ours = [s.label for s in shipped_model().classify(embeddings, texts)]
    vader = training.vader_labels(texts)
    name = f"sentiment, clothing test split ({len(test)} reviews)"
    return [
        (f"{name}: accuracy", f"{training.accuracy(truth, ours):.3f}", ""),
        (f"{name}: macro-F1", f"{training.macro_f1(truth, ours):.3f}", ">= 0.60"),
        ("  VADER on the same rows: accuracy", f"{training.accuracy(truth, vader):.3f}", ""),
        ("  VADER on the same rows: macro-F1", f"{training.macro_f1(truth, vader):.3f}", ""),
    ]


def _precision_recall(pairs: list[tuple[int, bool]]) -> str:
    tp = sum(1 for label, flagged in pairs if label and flagged)
    flagged = sum(1 for _, hit in pairs if hit)
    positives = sum(label for label, _ in pairs)
    precision = tp / flagged if flagged else 0.0
    recall = tp / positives if positives else 0.0
    return (
        f"P {precision:.2f} / R {recall:.2f} ({tp} of {flagged} flags right, {positives} hesitant)"
    )


def hesitancy_rows(test: list[training.Review], embeddings: np.ndarray) -> list[Row]:
    with LABELS_FILE.open(newline="") as stream:
        labelled = list(csv.DictReader(stream))
    index = {review.row_id: i for i, review in enumerate(test)}
    rows = [(int(row["row_id"]), int(row["label"]), row["split"]) for row in labelled]
    texts = [test[index[row_id]].text for row_id, _, _ in rows]
    ratings = [test[index[row_id]].rating for row_id, _, _ in rows]
    picked = embeddings[[index[row_id] for row_id, _, _ in rows]]
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
    short = _banking_texts(2000)
    short_wall, short_cpu = _rate(short, [None] * len(short), None)
    sample = reviews[:1000]
    review_wall, review_cpu = _rate(
        [r.text for r in sample], [r.rating for r in sample], [RATING_SCALE] * len(sample)
    )
    banking = enrich_texts(short[:500], [None] * 500)
    shares = Counter(item.sentiment for item in banking)
    spread = ", ".join(f"{label} {100 * shares[label] / 500:.0f}%" for label in training.LABELS)
    load = os.getloadavg()[0]
    return [
        ("model load, fresh process (incl. torch import)", f"{_load_seconds():.1f} s", ""),
        (
            f"enrichment, short texts (2,000 BANKING77); load {load:.1f}, {os.cpu_count()} cores",
            f"{short_wall:.0f} items/s ({short_cpu:.0f} per CPU-second)",
            ">= 150/s",
        ),
        (
            "enrichment, reviews (1,000, ~60 words each)",
            f"{review_wall:.0f} items/s ({review_cpu:.0f} per CPU-second)",
            "",
        ),
        ("  sentiment of 500 BANKING77 requests (no labels)", spread, "mostly not positive"),
    ]


def rows(cache: Path | None = None) -> list[Row]:
    reviews = training.read_reviews()
    _, test = training.split_reviews(reviews)
    embeddings = _test_embeddings(test, cache)
    return [
        *sentiment_rows(test, embeddings),
        *hesitancy_rows(test, embeddings),
        *speed_rows(test),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="folder to keep test-split embeddings in")
    options = parser.parse_args()
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Earful text insights on ../shared/data")
    for column in ("metric", "value", "target"):
        table.add_column(column)
    for metric, value, target in rows(options.cache):
        table.add_row(metric, value, target)
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
