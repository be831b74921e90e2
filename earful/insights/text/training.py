"""Fitting the sentiment classifier (`earful train-sentiment`) on three domains (domains.py).

The clothing reviews' fixed split is defined here (domains.py uses it for the "reviews" domain):

Source: "Women's E-Commerce Clothing Reviews" (CC0), `womens_clothing_ecommerce_reviews.csv`.
Rows with a blank review text are left out (22,641 of 23,486 remain). Labels come from the
star rating: 1-2 negative, 3 neutral, 4-5 positive.

The split is stratified by rating and stable: within each rating, rows are ordered by
sha256(f"{SPLIT_SEED}:{row_id}") (row_id = the file's unnamed first column, the row number)
and the first 20% are the test split, the rest train. Nothing is fitted or tuned on test rows.

Where the data lives: EARFUL_SHARED_DATA, by default `../shared/data` next to the checkout.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from earful.core import env
from earful.insights.text.sentiment import LABELS, SentimentModel, vader_scores

ROOT = Path(__file__).resolve().parents[3]
CLOTHING_FILE = "womens_clothing_ecommerce_reviews.csv"
SPLIT_SEED = "earful-sentiment-v1"
TEST_FRACTION = 0.2


@dataclass(frozen=True)
class Review:
    row_id: int
    rating: int
    text: str
    title: str = ""

    @property
    def label(self) -> str:
        return label_for_rating(self.rating)


def shared_data_dir() -> Path:
    return env.get_path("EARFUL_SHARED_DATA", ROOT.parent / "shared" / "data")


def clothing_path() -> Path:
    return shared_data_dir() / CLOTHING_FILE


def label_for_rating(rating: int) -> str:
    return "negative" if rating <= 2 else "neutral" if rating == 3 else "positive"


def read_reviews(path: Path | None = None) -> list[Review]:
    """The reviews that have text, in file order."""
    with (path or clothing_path()).open(encoding="utf-8", newline="") as stream:
        return [
            Review(
                row_id=int(row[""]),
                rating=int(row["Rating"]),
                text=row["Review Text"].strip(),
                title=(row["Title"] or "").strip(),
            )
            for row in csv.DictReader(stream)
            if (row["Review Text"] or "").strip() and row["Rating"] in {"1", "2", "3", "4", "5"}
        ]


def split_rank(row_id: int) -> str:
    return hashlib.sha256(f"{SPLIT_SEED}:{row_id}".encode()).hexdigest()


def split_reviews(reviews: Iterable[Review]) -> tuple[list[Review], list[Review]]:
    """(train, test), both in file order: per rating, the 20% first by split_rank are test."""
    by_rating: dict[int, list[Review]] = defaultdict(list)
    ordered = list(reviews)
    for review in ordered:
        by_rating[review.rating].append(review)
    test_ids: set[int] = set()
    for group in by_rating.values():
        ranked = sorted(group, key=lambda review: split_rank(review.row_id))
        test_ids.update(review.row_id for review in ranked[: round(len(group) * TEST_FRACTION)])
    train = [review for review in ordered if review.row_id not in test_ids]
    test = [review for review in ordered if review.row_id in test_ids]
    return train, test


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    scores = []
    for label in LABELS:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(t == p for t, p in zip(truth, predicted, strict=True)) / max(len(truth), 1)


def vader_labels(texts: Sequence[str]) -> list[str]:
    """VADER alone, as its authors use it: the whole text's compound score, >= 0.05 positive,
    <= -0.05 negative."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    compound = [analyzer.polarity_scores(text[:2000])["compound"] for text in texts]
    return ["positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral" for c in compound]


# Rows fit on per domain (a fixed random subset of its train split: embedding every row takes
# an hour on two busy cores, and more rows move held-out macro-F1 by about a point).
TRAIN_ROWS = {"reviews": 3000, "tweets": 4000, "comments": 3000, "requests": 1500}
TEST_ROWS = 1500  # rows per domain's test split that the benchmark reads
CALIBRATION_SHARE = 0.2  # of each training domain's rows, held out to choose the neutral band
C = 1.0  # regularisation of the logistic regression
BAND_GRID = np.round(np.arange(-0.6, 0.61, 0.02), 2)


def cache_key(texts: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]


def cached_embeddings(texts: Sequence[str], cache: Path | None) -> np.ndarray:
    """Embeddings of the texts, kept in `cache/<key>.npy` when a cache folder is given."""
    from earful.insights.text.embedding import embed

    stored = cache / f"{cache_key(texts)}.npy" if cache else None
    if stored and stored.exists():
        vectors = np.load(stored)
        if len(vectors) == len(texts):
            return vectors
    vectors = embed(list(texts))
    if stored:
        stored.parent.mkdir(parents=True, exist_ok=True)
        np.save(stored, vectors)
    return vectors


@dataclass
class DomainData:
    domain: str
    texts: list[str]
    labels: list[str]
    embeddings: np.ndarray


def domain_rows(domain: str, which: str, data_dir: Path | None = None) -> list[Any]:
    """The fixed subset of a domain's train or test split that training and the bench read."""
    from earful.insights.text import domains

    rows = domains.split(domains.read_domain(domain, data_dir), which)
    size = TRAIN_ROWS[domain] if which == "train" else TEST_ROWS
    return domains.sample(rows, size, salt=f"{domain}:{which}")


def load_domain(
    domain: str, which: str, cache: Path | None, data_dir: Path | None = None
) -> DomainData:
    rows = domain_rows(domain, which, data_dir)
    texts = [row.text for row in rows]
    return DomainData(domain, texts, [row.label for row in rows], cached_embeddings(texts, cache))


def _weights(parts: Sequence[DomainData]) -> np.ndarray:
    """Each domain weighs the same in all, and within it each class the same."""
    weights = []
    for part in parts:
        counts = {label: part.labels.count(label) for label in LABELS}
        present = sum(1 for count in counts.values() if count)
        weights += [1.0 / (present * counts[label]) for label in part.labels]
    return np.array(weights) * len(weights) / len(parts)


def _calibration_mask(part: DomainData) -> np.ndarray:
    ranks = [split_rank(hash_index) for hash_index in range(len(part.texts))]
    order = np.argsort(ranks)
    mask = np.zeros(len(part.texts), dtype=bool)
    mask[order[: round(len(order) * CALIBRATION_SHARE)]] = True
    return mask


def _fit_linear(parts: Sequence[DomainData]) -> SentimentModel:
    from sklearn.linear_model import LogisticRegression

    texts = [text for part in parts for text in part.texts]
    labels = np.array([label for part in parts for label in part.labels])
    lexical = vader_scores(texts)
    mean, scale = lexical.mean(axis=0), lexical.std(axis=0) + 1e-6
    dense = np.hstack([np.vstack([p.embeddings for p in parts]), (lexical - mean) / scale])
    model = LogisticRegression(C=C, max_iter=1000)
    model.fit(dense, labels, sample_weight=_weights(parts))
    order = [list(model.classes_).index(label) for label in LABELS]
    return SentimentModel(
        coef=model.coef_[order].astype(np.float32),
        intercept=model.intercept_[order].astype(np.float32),
        lexical_mean=mean.astype(np.float32),
        lexical_scale=scale.astype(np.float32),
        band=np.array([0.0, 0.0], dtype=np.float32),
    )


def choose_band(model: SentimentModel, parts: Sequence[DomainData]) -> tuple[float, float]:
    """The (low, high) edges of the neutral band with the best mean macro-F1 over the parts
    (each domain counts the same)."""
    scores = []
    for part in parts:
        probabilities = model.probabilities(part.embeddings, part.texts)
        scores.append(probabilities[:, 2] - probabilities[:, 0])
    best, band = -1.0, (0.0, 0.0)
    for low in BAND_GRID:
        for high in BAND_GRID[low <= BAND_GRID]:
            f1 = np.mean(
                [
                    macro_f1(part.labels, _band_labels(score, low, high))
                    for part, score in zip(parts, scores, strict=True)
                ]
            )
            if f1 > best + 1e-9:
                best, band = float(f1), (float(low), float(high))
    return band


def _band_labels(score: np.ndarray, low: float, high: float) -> list[str]:
    return np.where(score < low, "negative", np.where(score > high, "positive", "neutral")).tolist()


def fit_sentiment(parts: Sequence[DomainData]) -> tuple[SentimentModel, dict[str, Any]]:
    """Fits on all but a calibration share of each part, chooses the neutral band on that
    share, then refits on every row with the band kept. Returns the model and what was done."""
    fit: list[DomainData] = []
    held: list[DomainData] = []
    for part in parts:
        mask = _calibration_mask(part)
        for keep, into in ((~mask, fit), (mask, held)):
            rows = np.flatnonzero(keep)
            into.append(
                DomainData(
                    part.domain,
                    [part.texts[i] for i in rows],
                    [part.labels[i] for i in rows],
                    part.embeddings[rows],
                )
            )
    low, high = choose_band(_fit_linear(fit), held)
    model = _fit_linear(parts)
    model = SentimentModel(
        coef=model.coef,
        intercept=model.intercept,
        lexical_mean=model.lexical_mean,
        lexical_scale=model.lexical_scale,
        band=np.array([low, high], dtype=np.float32),
    )
    return model, {"band": [low, high], "calibration_share": CALIBRATION_SHARE}


def evaluate(model: SentimentModel, part: DomainData) -> dict[str, float]:
    predicted = [s.label for s in model.classify(part.embeddings, part.texts)]
    vader = vader_labels(part.texts)
    return {
        "rows": len(part.texts),
        "macro_f1": round(macro_f1(part.labels, predicted), 4),
        "accuracy": round(accuracy(part.labels, predicted), 4),
        "vader_macro_f1": round(macro_f1(part.labels, vader), 4),
        "vader_accuracy": round(accuracy(part.labels, vader), 4),
    }
