"""Enrichment of texts: sentiment and hesitancy from one embedding per text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from earful.insights.text.embedding import embed
from earful.insights.text.hesitancy import detect_hesitancy, infer_scale
from earful.insights.text.sentiment import shipped_model


@dataclass(frozen=True)
class TextEnrichment:
    sentiment: str  # negative | neutral | positive
    sentiment_score: float  # P(positive) - P(negative), in [-1, 1]
    hesitant: bool
    hesitancy_reason: str  # "code: explanation" when hesitant, else ""; code is before the ":"
    embedding: np.ndarray  # (384,) float32, unit length (zeros for a blank text)


def enrich_texts(
    texts: Sequence[str],
    scores: Sequence[float | None],
    score_scale: Sequence[tuple[float, float]] | None = None,
) -> list[TextEnrichment]:
    """Sentiment, hesitancy and the embedding of each text, in the order given.

    `scores[i]` is the score that came with `texts[i]` (a survey answer's NPS, CSAT, rating ...)
    or None; `score_scale[i]` is that score's (lowest, highest) value, e.g. (0, 10) for NPS.
    Without `score_scale`, one scale is inferred from the scores (see hesitancy.infer_scale).
    Each text is embedded once; the embedding serves sentiment, hesitancy and, through the
    returned `embedding`, theme discovery. Blank texts come back neutral (score 0), not
    hesitant, with a zero embedding. Loads the model on first use (a few seconds); call it
    with batches (tens to thousands of texts), not one text at a time.
    """
    if len(scores) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(scores)} scores")
    if score_scale is not None and len(score_scale) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(score_scale)} score scales")
    if not texts:
        return []
    scales = list(score_scale) if score_scale is not None else [infer_scale(scores)] * len(texts)
    embeddings = embed(texts)
    sentiments = shipped_model().classify(embeddings, texts)
    enrichments = []
    for i, text in enumerate(texts):
        hesitancy = detect_hesitancy(text, sentiments[i], score=scores[i], scale=scales[i])
        enrichments.append(
            TextEnrichment(
                sentiment=sentiments[i].label,
                sentiment_score=sentiments[i].score,
                hesitant=hesitancy.hesitant,
                hesitancy_reason=hesitancy.reason,
                embedding=embeddings[i],
            )
        )
    return enrichments
