"""Draw the 300 reviews of the hesitancy set (docs/dev/hesitancy-labelling.md) and print them.

    .venv/bin/python bench/labels/sample_hesitancy.py            # print rows to read and label
    .venv/bin/python bench/labels/sample_hesitancy.py --check    # hesitancy.csv matches the draw

Reads ../shared/data (EARFUL_SHARED_DATA); the texts are printed, never stored in the repo.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from earful.insights.text.training import Review, read_reviews, split_reviews  # noqa: E402

SEED = 4004
GROUPS = (("3", (3,), 100), ("4", (4,), 100), ("5", (5,), 60), ("1-2", (1, 2), 40))
LABELS = Path(__file__).with_name("hesitancy.csv")


def draw() -> list[tuple[Review, str]]:
    """(review, "dev"|"test") for the 300 sampled reviews, group by group, in drawing order."""
    _, test = split_reviews(read_reviews())
    rng = Random(SEED)
    drawn: list[tuple[Review, str]] = []
    for _, ratings, count in GROUPS:
        pool = [review for review in test if review.rating in ratings]
        for index, review in enumerate(rng.sample(pool, count)):
            drawn.append((review, "dev" if index < count // 2 else "test"))
    return drawn


def check() -> int:
    with LABELS.open(encoding="utf-8", newline="") as stream:
        stored = {(int(r["row_id"]), int(r["rating"]), r["split"]) for r in csv.DictReader(stream)}
    expected = {(review.row_id, review.rating, split) for review, split in draw()}
    if stored != expected:
        print(f"{LABELS} differs from the draw: {len(stored ^ expected)} rows", file=sys.stderr)
        return 1
    print(f"{LABELS}: {len(stored)} rows, matching the draw")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    for review, split in draw():
        print(f"## {review.row_id} rating={review.rating} {split}\n{review.text}\n")
