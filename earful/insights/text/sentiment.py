"""Sentiment of a text: negative | neutral | positive, and a score in [-1, 1].

Three voters, averaged with the weights VOTES:
  - a logistic regression on the text's sentence embedding (embedding.py) and four VADER
    scores (compound, positive, negative, neutral): meaning, which carries to other domains;
  - a logistic regression on word and word-pair frequencies (TF-IDF): the words customers use;
  - VADER's compound score alone, a lexicon written for any domain.
The label is the most probable class; the score is P(positive) - P(negative).
Both regressions are fit by `earful train-sentiment` (training.py) on the train split of the
clothing reviews (review texts and their titles, labelled by rating) plus 2,500 plain requests
from the CLINC150 train split labelled neutral (lightly weighted), so that a question is not
read as praise or complaint. The weights are plain arrays in `weights/sentiment-v1.npz` (no
pickle); its sibling .json records the data checksums, split, seed and test metrics.
Prediction needs numpy and VADER only.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

LABELS = ("negative", "neutral", "positive")
LEXICAL_FEATURES = ("vader_compound", "vader_pos", "vader_neg", "vader_neu")
WEIGHTS = Path(__file__).with_name("weights") / "sentiment-v1.npz"
# Weights of the three voters: the meaning classifier, the words classifier, VADER alone
# ([max(-c, 0), 1 - |c|, max(c, 0)] of its compound score c). VADER's vote keeps plain opinions
# from other domains ("the nurse was kind") from reading neutral where the shop-trained words
# are unknown; chosen on written sentences of other domains, not on the reviews' test split.
VOTES = (0.4, 0.3, 0.3)

_lock = threading.Lock()
_vader: Any = None
_loaded: dict[Path, SentimentModel] = {}


@dataclass(frozen=True)
class Sentiment:
    label: str  # one of LABELS
    score: float  # P(positive) - P(negative), in [-1, 1]
    probabilities: tuple[float, float, float]  # in the order of LABELS
    # The two trained classifiers' probabilities alone (without VADER's vote): closer to how a
    # customer would score the text; hesitancy compares them with the customer's score.
    learned: tuple[float, float, float] = (0.0, 1.0, 0.0)


def _analyzer() -> Any:
    global _vader
    if _vader is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _vader = SentimentIntensityAnalyzer()
    return _vader


def vader_scores(texts: Sequence[str]) -> np.ndarray:
    """VADER's compound, pos, neg and neu scores, one row per text (zeros for a blank text)."""
    analyzer = _analyzer()
    rows = np.zeros((len(texts), len(LEXICAL_FEATURES)), dtype=np.float32)
    for i, text in enumerate(texts):
        if text and text.strip():
            scores = analyzer.polarity_scores(text)
            rows[i] = (scores["compound"], scores["pos"], scores["neg"], scores["neu"])
    return rows


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def word_features(text: str, vocabulary: dict[str, int]) -> dict[int, float]:
    """TF-IDF counts as scikit-learn's TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    makes them, before idf weighting and normalisation: {column: 1 + log(count)}."""
    tokens = _TOKEN.findall(text.lower())
    counts: dict[int, int] = {}
    for gram in (*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens))):
        column = vocabulary.get(gram)
        if column is not None:
            counts[column] = counts.get(column, 0) + 1
    return {column: 1.0 + math.log(count) for column, count in counts.items()}


@dataclass(frozen=True)
class SentimentModel:
    """Weights of the two classifiers; logits = features @ coef.T + intercept for each."""

    coef: np.ndarray  # (3, 384 + 4): embedding + standardised VADER scores
    intercept: np.ndarray  # (3,)
    lexical_mean: np.ndarray  # (4,)
    lexical_scale: np.ndarray  # (4,)
    words: np.ndarray  # (V,) str: the TF-IDF vocabulary, column order
    idf: np.ndarray  # (V,)
    word_coef: np.ndarray  # (3, V)
    word_intercept: np.ndarray  # (3,)

    @functools.cached_property
    def vocabulary(self) -> dict[str, int]:
        return {str(word): i for i, word in enumerate(self.words)}

    def features(self, embeddings: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        """The meaning classifier's input: embeddings and standardised VADER scores."""
        scaled = (lexical - self.lexical_mean) / self.lexical_scale
        return np.hstack([embeddings.astype(np.float32), scaled.astype(np.float32)])

    def word_logits(self, texts: Sequence[str]) -> np.ndarray:
        logits = np.tile(self.word_intercept, (len(texts), 1)).astype(np.float64)
        for row, text in enumerate(texts):
            counts = word_features(text, self.vocabulary)
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.int64)
            values = np.fromiter(counts.values(), dtype=np.float64) * self.idf[columns]
            values /= np.linalg.norm(values)
            logits[row] += self.word_coef[:, columns] @ values
        return logits

    def votes(self, embeddings: np.ndarray, texts: Sequence[str]) -> tuple[np.ndarray, ...]:
        """(n, 3) probabilities of each voter: meaning, words, VADER alone."""
        lexical = vader_scores(texts)
        meaning = _softmax(self.features(embeddings, lexical) @ self.coef.T + self.intercept)
        words = _softmax(self.word_logits(texts))
        compound = lexical[:, 0].astype(np.float64)
        vader = np.stack(
            [np.maximum(-compound, 0), 1 - np.abs(compound), np.maximum(compound, 0)], 1
        )
        return meaning, words, vader

    def probabilities(self, embeddings: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(n, 3) class probabilities in the order of LABELS: the weighted vote of VOTES."""
        if len(texts) == 0:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        votes = self.votes(embeddings, texts)
        result = sum(weight * vote for weight, vote in zip(VOTES, votes, strict=True))
        return _blank_neutral(np.asarray(result, dtype=np.float32), texts)

    def classify(self, embeddings: np.ndarray, texts: Sequence[str]) -> list[Sentiment]:
        if len(texts) == 0:
            return []
        meaning, words, vader = self.votes(embeddings, texts)
        mixed = VOTES[0] * meaning + VOTES[1] * words + VOTES[2] * vader
        learned = (meaning + words) / 2
        mixed, learned = (_blank_neutral(p.astype(np.float32), texts) for p in (mixed, learned))
        return [
            replace(to_sentiment(row), learned=tuple(float(p) for p in known))  # type: ignore[arg-type]
            for row, known in zip(mixed, learned, strict=True)
        ]

    def save(self, path: Path, *, meta: dict[str, object]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {name: getattr(self, name) for name in _ARRAYS}
        np.savez_compressed(path, labels=np.array(LABELS), **arrays)
        text = json.dumps(meta, indent=2, sort_keys=True) + "\n"
        path.with_suffix(".json").write_text(text)

    @classmethod
    def load(cls, path: Path) -> SentimentModel:
        with np.load(path, allow_pickle=False) as data:
            if tuple(str(label) for label in data["labels"]) != LABELS:
                raise ValueError(f"{path}: labels are not {LABELS}")
            return cls(**{name: data[name] for name in _ARRAYS})


_ARRAYS = (
    "coef",
    "intercept",
    "lexical_mean",
    "lexical_scale",
    "words",
    "idf",
    "word_coef",
    "word_intercept",
)


def _blank_neutral(probabilities: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    blank = [i for i, text in enumerate(texts) if not (text and text.strip())]
    probabilities[blank] = NEUTRAL  # nothing to read: neutral, score 0
    return probabilities


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


NEUTRAL = (0.0, 1.0, 0.0)


def to_sentiment(probabilities: Sequence[float]) -> Sentiment:
    neg, neu, pos = (float(p) for p in probabilities)
    label = LABELS[int(np.argmax([neg, neu, pos]))]
    return Sentiment(label=label, score=round(pos - neg, 4), probabilities=(neg, neu, pos))


def shipped_model(path: Path = WEIGHTS) -> SentimentModel:
    """The classifier in `path` (the shipped weights by default), loaded once per process."""
    if path not in _loaded:
        with _lock:
            if path not in _loaded:
                if not path.exists():
                    raise FileNotFoundError(f"{path} is missing: run `earful train-sentiment`")
                _loaded[path] = SentimentModel.load(path)
    return _loaded[path]


def classify_texts(texts: Sequence[str]) -> list[Sentiment]:
    """Sentiment of each text (embeds them; use SentimentModel.classify to reuse embeddings)."""
    from earful.insights.text.embedding import embed

    return shipped_model().classify(embed(texts), texts)
