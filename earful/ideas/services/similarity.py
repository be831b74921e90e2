"""Similar ideas while someone types a title: cosine similarity of MiniLM embeddings (the
insights engine's model; one vector stored per idea), falling back to full-text matching of
title words when the model is not available or no idea has an embedding yet.

The vectors of an organization's ideas are held per process as one matrix, checked against the
board's `vectors_version` (one indexed row read per lookup), which every change bumps: a new
vector, moderation, a merge."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from earful.ideas.models import Board, Idea, IdeaVector, Status
from earful.ideas.text import keywords
from earful.insights.models import bytes_vector

THRESHOLD = 0.45  # least cosine similarity to be shown
LIMIT = 5
_lock = threading.Lock()
_matrices: dict[int, tuple[int | None, np.ndarray, np.ndarray]] = {}


@dataclass(frozen=True)
class Similar:
    idea_id: int
    score: float
    how: str  # embedding | words


def candidates(organization_id: int) -> QuerySet[Idea]:
    """Ideas someone could vote for instead of posting: public, not merged away."""
    return Idea.objects.filter(
        organization_id=organization_id, hidden=False, spam=False, merged_into=None
    ).exclude(status=Status.DUPLICATE)


def embed_titles(titles: list[str]) -> np.ndarray:
    from earful.insights.text.embedding import embed  # loads torch on first use only

    return embed(titles)


def _matrix(organization_id: int) -> tuple[np.ndarray, np.ndarray]:
    stamp = (
        Board.objects.filter(organization_id=organization_id)
        .values_list("vectors_version", flat=True)
        .first()
    )
    cached = _matrices.get(organization_id)
    if cached is not None and cached[0] == stamp:
        return cached[1], cached[2]
    rows = list(
        IdeaVector.objects.filter(
            organization_id=organization_id, idea__in=candidates(organization_id)
        ).values_list("idea_id", "vector")
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    vectors = [bytes_vector(vector) for _, vector in rows if vector is not None]
    matrix = np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
    with _lock:
        _matrices[organization_id] = (stamp, ids, matrix)
    return ids, matrix


def by_embedding(organization_id: int, text: str, *, limit: int = LIMIT) -> list[Similar] | None:
    """None when embeddings cannot answer (no model, no stored vectors)."""
    ids, matrix = _matrix(organization_id)
    if not len(ids):
        return None
    try:
        query = embed_titles([text])[0]
    except Exception:  # the model is optional at run time: fall back to words
        return None
    scores = matrix @ query
    if len(scores) > limit:
        best = np.argpartition(-scores, limit)[:limit]
        top = best[np.argsort(-scores[best])]
    else:
        top = np.argsort(-scores)
    return [
        Similar(int(ids[i]), float(scores[i]), "embedding") for i in top if scores[i] >= THRESHOLD
    ]


def by_words(organization_id: int, text: str, *, limit: int = LIMIT) -> list[Similar]:
    """Ideas whose folded title holds the most of the text's keywords (2 at least when the
    text has 2 or more), most votes first among equals."""
    words = keywords(text)
    if not words:
        return []
    hits = sum(
        (Case(When(search_text__contains=w, then=Value(1)), default=Value(0)) for w in words),
        start=Value(0),
    )
    match = Q()
    for w in words:
        match |= Q(search_text__contains=w)
    need = min(2, len(words))
    rows = (
        candidates(organization_id)
        .filter(match)
        .annotate(hits=Cast(hits, IntegerField()))
        .filter(hits__gte=need)
        .order_by("-hits", "-vote_count")
        .values_list("id", "hits")[:limit]
    )
    return [Similar(idea_id, hits / len(words), "words") for idea_id, hits in rows]


def similar_ideas(organization_id: int, text: str, *, limit: int = LIMIT) -> list[Similar]:
    text = " ".join((text or "").split())[:200]
    if len(text) < 4:
        return []
    found = by_embedding(organization_id, text, limit=limit)
    return found if found is not None else by_words(organization_id, text, limit=limit)


def forget_matrices() -> None:
    _matrices.clear()
