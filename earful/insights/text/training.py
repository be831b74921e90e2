"""The sentiment classifier's data: the clothing reviews in ../shared/data and their fixed split.

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
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

import numpy as np

from earful.core import env
from earful.insights.text.sentiment import LABELS, VOTES, SentimentModel, vader_scores

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
    """VADER alone, with its authors' thresholds: compound >= 0.05 positive, <= -0.05 negative."""
    compound = vader_scores(texts)[:, 0]
    return ["positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral" for c in compound]


CLINC_FILE = "clinc150_data_full.json"
CLINC_PER_INTENT = 20
# CLINC150 intents that are not plain requests (small talk, thanks, yes/no, problem reports).
CLINC_NOT_PLAIN = frozenset(
    {
        "thank_you",
        "goodbye",
        "greeting",
        "tell_joke",
        "fun_fact",
        "meaning_of_life",
        "are_you_a_bot",
        "who_made_you",
        "what_is_your_name",
        "how_old_are_you",
        "what_are_your_hobbies",
        "do_you_have_pets",
        "where_are_you_from",
        "who_do_you_work_for",
        "user_name",
        "yes",
        "no",
        "maybe",
        "cancel",
        "repeat",
        "damaged_card",
        "report_fraud",
        "card_declined",
        "report_lost_card",
        "expiration_date",
        "oos",
    }
)
TITLE_WEIGHT = 0.5  # a title counts half a review of its class
REQUEST_WEIGHT = 0.03  # each plain request, labelled neutral
MEANING_C = 1.0  # regularisation, chosen by 3-fold cross-validation on the train split
WORDS_C = 4.0


def plain_requests(path: Path | None = None) -> list[str]:
    """CLINC150 train-split requests labelled neutral: 20 per plain intent, Random(0)."""
    with (path or shared_data_dir() / CLINC_FILE).open(encoding="utf-8") as stream:
        rows = json.load(stream)["train"]
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in rows:
        by_intent[intent].append(text)
    rng = Random(0)
    return [
        text
        for intent, texts in sorted(by_intent.items())
        if intent not in CLINC_NOT_PLAIN
        for text in rng.sample(texts, CLINC_PER_INTENT)
    ]


@dataclass
class TrainingSet:
    texts: list[str]
    labels: list[str]
    weights: np.ndarray
    embeddings: np.ndarray
    sizes: dict[str, int]  # rows per source


def training_set(
    reviews: Sequence[Review],
    review_embeddings: np.ndarray,
    titled: Sequence[Review],
    title_embeddings: np.ndarray,
    requests: Sequence[str],
    request_embeddings: np.ndarray,
) -> TrainingSet:
    """Train reviews (classes weighted by inverse frequency: neutral is rare), their titles at
    TITLE_WEIGHT, and plain requests labelled neutral at REQUEST_WEIGHT."""
    counts = {label: sum(r.label == label for r in reviews) for label in LABELS}
    balance = {label: len(reviews) / (len(LABELS) * counts[label]) for label in LABELS}
    weights = [balance[r.label] for r in reviews]
    weights += [TITLE_WEIGHT * balance[r.label] for r in titled]
    weights += [REQUEST_WEIGHT] * len(requests)
    return TrainingSet(
        texts=[r.text for r in reviews] + [r.title for r in titled] + list(requests),
        labels=[r.label for r in reviews] + [r.label for r in titled] + ["neutral"] * len(requests),
        weights=np.array(weights),
        embeddings=np.vstack([review_embeddings, title_embeddings, request_embeddings]),
        sizes={"reviews": len(reviews), "titles": len(titled), "plain_requests": len(requests)},
    )


def fit_sentiment(data: TrainingSet) -> SentimentModel:
    """The two logistic regressions of sentiment.py, fit on the training set."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    lexical = vader_scores(data.texts)
    mean, scale = lexical.mean(axis=0), lexical.std(axis=0) + 1e-6
    dense = np.hstack([data.embeddings, (lexical - mean) / scale])
    labels = np.array(data.labels)
    meaning = LogisticRegression(C=MEANING_C, max_iter=500, solver="newton-cholesky")
    meaning.fit(dense, labels, sample_weight=data.weights)
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=3, sublinear_tf=True, max_features=50000, dtype=np.float64
    )
    counts = vectorizer.fit_transform(data.texts)
    words = LogisticRegression(C=WORDS_C, max_iter=3000)
    words.fit(counts, labels, sample_weight=data.weights)
    order = [list(meaning.classes_).index(label) for label in LABELS]
    word_order = [list(words.classes_).index(label) for label in LABELS]
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    return SentimentModel(
        coef=meaning.coef_[order].astype(np.float32),
        intercept=meaning.intercept_[order].astype(np.float32),
        lexical_mean=mean.astype(np.float32),
        lexical_scale=scale.astype(np.float32),
        words=np.array(vocabulary),
        idf=vectorizer.idf_.astype(np.float32),
        word_coef=words.coef_[word_order].astype(np.float32),
        word_intercept=words.intercept_[word_order].astype(np.float32),
    )


def describe_fit(
    reviews_path: Path,
    requests_path: Path,
    train: Sequence[Review],
    test: Sequence[Review],
    data: TrainingSet,
    model: SentimentModel,
    test_embeddings: np.ndarray,
) -> dict[str, Any]:
    """What the weights file's sibling JSON records: data, split, training set, test metrics."""
    texts = [review.text for review in test]
    truth = [review.label for review in test]
    predicted = [s.label for s in model.classify(test_embeddings, texts)]
    vader = vader_labels(texts)
    return {
        "command": "earful train-sentiment",
        "data": {
            reviews_path.name: sha256_of(reviews_path),
            requests_path.name: sha256_of(requests_path),
        },
        "labels": "clothing reviews: rating 1-2 negative, 3 neutral, 4-5 positive",
        "split": {
            "method": "per rating, rows ordered by sha256(f'{seed}:{row_id}'), first 20% test",
            "seed": SPLIT_SEED,
            "train_reviews": len(train),
            "test_reviews": len(test),
        },
        "training_set": {
            **data.sizes,
            "plain_requests_from": f"CLINC150 train, {CLINC_PER_INTENT} per intent, Random(0)",
            "weights": f"reviews balanced; titles x{TITLE_WEIGHT}; requests {REQUEST_WEIGHT}",
        },
        "model": {
            "meaning": f"all-MiniLM-L6-v2 (384) + VADER (4), logistic regression C={MEANING_C}",
            "words": f"TF-IDF 1-2 grams, min_df 3, logistic regression C={WORDS_C}",
            "combination": f"weighted vote (meaning, words, VADER alone) = {VOTES}",
        },
        "test": {
            "accuracy": round(accuracy(truth, predicted), 4),
            "macro_f1": round(macro_f1(truth, predicted), 4),
            "vader_accuracy": round(accuracy(truth, vader), 4),
            "vader_macro_f1": round(macro_f1(truth, vader), 4),
        },
    }
