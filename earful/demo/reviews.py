"""Real review text for demo comments, and the score each survey question gets from a rating.

Pure functions over `data/reviews_subset.csv` (made by `subset.py`, credited in data/CREDITS.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from random import Random

SUBSET_PATH = Path(__file__).resolve().parent / "data" / "reviews_subset.csv"

# The score a reviewer would have given, by their star rating: (lowest, highest), both included.
SCORE_BANDS: dict[str, dict[int, tuple[int, int]]] = {
    "nps": {5: (9, 10), 4: (7, 8), 3: (5, 6), 2: (3, 4), 1: (0, 2)},
    "csat": {rating: (rating, rating) for rating in range(1, 6)},
    "ces": {5: (6, 7), 4: (5, 5), 3: (4, 4), 2: (3, 3), 1: (1, 2)},
}

# How likely each rating (1 to 5) is a year ago and today: the demo's customers grow happier.
_RATING_WEIGHTS_YEAR_AGO = (6, 10, 16, 26, 42)  # NPS about +10
_RATING_WEIGHTS_TODAY = (2, 4, 8, 24, 62)  # NPS about +48


@dataclass(frozen=True)
class Review:
    rating: int
    department: str
    text: str


@cache
def load_reviews(path: Path = SUBSET_PATH) -> tuple[Review, ...]:
    with path.open(encoding="utf-8", newline="") as stream:
        return tuple(
            Review(rating=int(row["rating"]), department=row["department"], text=row["text"])
            for row in csv.DictReader(stream)
        )


def score_for(kind: str, rating: int, rng: Random) -> int:
    low, high = SCORE_BANDS[kind][rating]
    return rng.randint(low, high)


def rating_at(year_progress: float, rng: Random) -> int:
    """A star rating drawn for a moment `year_progress` through the year (0 a year ago, 1 now)."""
    weights = [
        old + (new - old) * year_progress
        for old, new in zip(_RATING_WEIGHTS_YEAR_AGO, _RATING_WEIGHTS_TODAY, strict=True)
    ]
    return rng.choices(range(1, 6), weights=weights)[0]


class ReviewDeck:
    """Deals reviews of a given rating in a shuffled order; a text repeats only once all of that
    rating's texts have been dealt."""

    def __init__(self, reviews: tuple[Review, ...], rng: Random) -> None:
        self._piles: dict[int, list[Review]] = {}
        for review in reviews:
            self._piles.setdefault(review.rating, []).append(review)
        for pile in self._piles.values():
            rng.shuffle(pile)
        self._dealt = dict.fromkeys(self._piles, 0)

    def pile(self, rating: int) -> list[Review]:
        return self._piles[rating]

    def deal(self, rating: int) -> Review:
        pile = self._piles[rating]
        review = pile[self._dealt[rating] % len(pile)]
        self._dealt[rating] += 1
        return review
