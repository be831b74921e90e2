"""Incremental assignment: new texts join the nearest theme, or are marked new/emerging."""

from __future__ import annotations

import numpy as np

from earful.insights.themes.theme_set import NO_THEME, ThemeSet, unit_rows


def assign(theme_set: ThemeSet, embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row: the id of the most similar theme and the cosine similarity to it.

    The id is NO_THEME (-1, new/emerging) when the similarity is below that theme's own
    threshold, or the text is blank (a zero embedding). Nothing is re-clustered.
    """
    vectors = unit_rows(embeddings)
    labels = np.full(len(vectors), NO_THEME, dtype=np.int64)
    if not theme_set.themes or len(vectors) == 0:
        return labels, np.zeros(len(vectors), dtype=np.float32)
    similarity = vectors @ theme_set.centroids().T
    nearest = np.argmax(similarity, axis=1)
    best = similarity[np.arange(len(vectors)), nearest]
    fits = (best >= theme_set.thresholds()[nearest]) & (np.linalg.norm(vectors, axis=1) > 0)
    labels[fits] = theme_set.ids()[nearest[fits]]
    return labels, best.astype(np.float32)
