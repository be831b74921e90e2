"""Enrichment of texts: sentiment and hesitancy from one embedding per text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from earful.insights.text.cleaning import readable
from earful.insights.text.embedding import embed
from earful.insights.text.hesitancy import NOT_HESITANT, detect_hesitancy, infer_scale
from earful.insights.text.language import language_of, readable_by_rules
from earful.insights.text.sentiment import NEUTRAL, Sentiment, shipped_model


@dataclass(frozen=True)
class TextEnrichment:
    sentiment: str  # negative | neutral | positive
    sentiment_score: float  # P(positive) - P(negative), in [-1, 1]
    hesitant: bool
    hesitancy_reason: str  # "code: explanation" when hesitant, else ""; code is before the ":"
    embedding: np.ndarray  # (384,) float32, unit length (zeros for a blank text)
    language: str = ""  # ISO 639-1 code, "" when unknown (language.py)


def enrich_texts(
    texts: Sequence[str],
    scores: Sequence[float | None],
    score_scale: Sequence[tuple[float, float]] | None = None,
) -> list[TextEnrichment]:
    """Sentiment, hesitancy and the embedding of each text, in the order given.

    `scores[i]` is the score that came with `texts[i]` (a survey answer's NPS, CSAT, rating ...)
    or None; `score_scale[i]` is that score's (lowest, highest) value, e.g. (0, 10) for NPS.
    Without `score_scale`, one scale is inferred from the scores (see hesitancy.infer_scale).
    Each text is read as `cleaning.readable` gives it (capped at 2,000 characters, without
    links, @handles or e-mail signatures) and embedded once; the embedding serves sentiment,
    hesitancy and, through the returned `embedding`, theme discovery. A text detected in a
    language other than English gets neutral sentiment (score 0) and no hesitancy: those
    rules read English only. Blank texts come back neutral (score 0), not
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
    texts = [readable(text) for text in texts]  # capped, without links, handles, signatures
    embeddings = embed(texts)
    sentiments = shipped_model().classify(embeddings, texts)
    enrichments = []
    unread = Sentiment(label="neutral", score=0.0, probabilities=NEUTRAL, learned=NEUTRAL)
    for i, text in enumerate(texts):
        language = language_of(text)
        if readable_by_rules(language):
            hesitancy = detect_hesitancy(text, sentiments[i], score=scores[i], scale=scales[i])
        else:  # English-only rules: no guess at another language's sentiment or hesitancy
            sentiments[i], hesitancy = unread, NOT_HESITANT
        enrichments.append(
            TextEnrichment(
                sentiment=sentiments[i].label,
                sentiment_score=sentiments[i].score,
                hesitant=hesitancy.hesitant,
                hesitancy_reason=hesitancy.reason,
                embedding=embeddings[i],
                language=language,
            )
        )
    return enrichments
