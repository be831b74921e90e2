"""What theme discovery returns: the themes and, for every text, the theme it belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

NO_THEME = -1  # a text that fits no theme: noise at discovery, new/emerging at assignment


@dataclass
class Theme:
    """One theme. `centroid` is unit length; a text belongs when its cosine similarity to it
    is at least `threshold` (derived from how spread out the theme's own members are)."""

    id: int
    label: str
    keyphrases: list[str]
    examples: list[int]  # indices into the texts given to discover_themes, most typical first
    centroid: np.ndarray
    size: int
    threshold: float


@dataclass
class ThemeSet:
    labels: np.ndarray  # one int per text: a theme id, or NO_THEME
    themes: list[Theme] = field(default_factory=list)

    def centroids(self) -> np.ndarray:
        if not self.themes:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([theme.centroid for theme in self.themes]).astype(np.float32)

    def thresholds(self) -> np.ndarray:
        return np.array([theme.threshold for theme in self.themes], dtype=np.float32)

    def ids(self) -> np.ndarray:
        return np.array([theme.id for theme in self.themes], dtype=np.int64)

    def theme(self, theme_id: int) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32); all-zero rows (blank texts) stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
