"""Sentiment of a text: negative | neutral | positive, and a score in [-1, 1].

One logistic regression on the text's sentence embedding (embedding.py) and four VADER scores
(compound, positive, negative, neutral), fit by `earful train-sentiment` (training.py) on the
train splits of three domains in ../shared/data: shop reviews, tweets and Reddit comments
(domains.py), each class and each domain weighted equally. Meaning carries across domains where
words do not: "Delivery was late and support never answered" reads negative though no review
of a dress says it.
The score is P(positive) - P(negative). The label comes from the score and the neutral band,
which is not set by hand: `train-sentiment` chooses the band's two edges that give the best
macro-F1 on held-out rows of the training domains (a calibration split never fit on).
The weights are plain arrays in `weights/sentiment-v2.npz` (no pickle); its sibling .json
records the data checksums, splits, seed, sizes and held-out metrics. Prediction needs numpy
and VADER only.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

LABELS = ("negative", "neutral", "positive")
READ_CHARS = 2000  # VADER's cost grows with the square of a text's "but"s
LEXICAL_FEATURES = ("vader_compound", "vader_pos", "vader_neg", "vader_neu")
WEIGHTS = Path(__file__).with_name("weights") / "sentiment-v2.npz"

_lock = threading.Lock()
_vader: Any = None
_loaded: dict[Path, SentimentModel] = {}


@dataclass(frozen=True)
class Sentiment:
    label: str  # one of LABELS
    score: float  # P(positive) - P(negative), in [-1, 1]
    probabilities: tuple[float, float, float]  # in the order of LABELS
    # The trained classifier's probabilities (as `probabilities`; kept apart for hesitancy,
    # which compares them with the customer's score).
    learned: tuple[float, float, float] = (0.0, 1.0, 0.0)


def _analyzer() -> Any:
    global _vader
    if _vader is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _vader = SentimentIntensityAnalyzer()
    return _vader


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def vader_scores(texts: Sequence[str]) -> np.ndarray:
    """VADER's compound, pos, neg and neu scores, one row per text (zeros for a blank text):
    the mean over the text's sentences (VADER reads a sentence; over a whole page its negation
    and "but" rules misfire, and its cost grows with the square of the "but"s)."""
    analyzer = _analyzer()
    rows = np.zeros((len(texts), len(LEXICAL_FEATURES)), dtype=np.float32)
    for i, text in enumerate(texts):
        sentences = [s for s in _SENTENCE.split(text[:READ_CHARS]) if s.strip()]
        if sentences:
            scores = [analyzer.polarity_scores(sentence) for sentence in sentences]
            rows[i] = np.mean(
                [(s["compound"], s["pos"], s["neg"], s["neu"]) for s in scores], axis=0
            )
    return rows


@dataclass(frozen=True)
class SentimentModel:
    """logits = features @ coef.T + intercept; the label from P(pos) - P(neg) and the band."""

    coef: np.ndarray  # (3, 384 + 4): embedding + standardised VADER scores
    intercept: np.ndarray  # (3,)
    lexical_mean: np.ndarray  # (4,)
    lexical_scale: np.ndarray  # (4,)
    band: np.ndarray  # (2,): a score below band[0] is negative, above band[1] positive

    def features(self, embeddings: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        """The classifier's input: embeddings and standardised VADER scores."""
        scaled = (lexical - self.lexical_mean) / self.lexical_scale
        return np.hstack([embeddings.astype(np.float32), scaled.astype(np.float32)])

    def probabilities(self, embeddings: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(n, 3) class probabilities in the order of LABELS."""
        if len(texts) == 0:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        logits = self.features(embeddings, vader_scores(texts)) @ self.coef.T + self.intercept
        return _blank_neutral(_softmax(logits).astype(np.float32), texts)

    def label_of(self, score: float) -> str:
        low, high = float(self.band[0]), float(self.band[1])
        return "negative" if score < low else "positive" if score > high else "neutral"

    def classify(self, embeddings: np.ndarray, texts: Sequence[str]) -> list[Sentiment]:
        result = []
        for row in self.probabilities(embeddings, texts):
            neg, neu, pos = (float(p) for p in row)
            score = round(pos - neg, 4)
            result.append(
                Sentiment(
                    label=self.label_of(pos - neg),
                    score=score,
                    probabilities=(neg, neu, pos),
                    learned=(neg, neu, pos),
                )
            )
        return result

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


_ARRAYS = ("coef", "intercept", "lexical_mean", "lexical_scale", "band")


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
