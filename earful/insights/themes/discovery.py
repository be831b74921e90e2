"""Theme discovery: groups an organization's texts by meaning and chooses how many groups.

1. A nearest-neighbour graph of the texts' embeddings, and its spectral embedding.
2. For a range of theme counts k (2 up to one theme per `min_size` texts, 25% apart, plus
   the count the largest eigengap suggests), k-means on the spectral embedding; each split
   is scored by its silhouette (how much closer texts are to their own theme than to the
   next one, in the original embedding space).
3. The chosen k is the smallest one whose silhouette is within 5% of the best: the fewest
   themes that separate the texts about as well as any larger number does.
4. Themes smaller than `min_size`, and members far less typical of their theme than the rest
   (below the theme's threshold, see `theme_threshold`), get no theme (-1).
Large inputs are clustered on a random sample of SAMPLE_SIZE texts; the rest are assigned to
the nearest theme with the same threshold rule as new texts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import silhouette_score

from earful.insights.themes.assignment import assign
from earful.insights.themes.naming import name_themes
from earful.insights.themes.spectral import largest_gap, spectral_partition, spectral_vectors
from earful.insights.themes.theme_set import NO_THEME, Theme, ThemeSet, unit_rows

SAMPLE_SIZE = 8000  # texts clustered at most; the others are assigned to the themes found
MAX_THEMES = 300  # more themes than this are no longer something a person reads
GRID_STEP = 1.25  # candidate theme counts grow by 25% each step
SILHOUETTE_SAMPLE = 4000  # texts the silhouette is measured on (its cost is quadratic)
WITHIN_BEST = 0.05  # the chosen k scores within 5% of the best silhouette
OUTLIER_SPREAD = 3.0  # robust z-score below which a member is atypical of its theme
MIN_SPREAD = 0.03  # a spread is never taken as tighter than this (near-duplicate texts)


def default_min_size(n: int) -> int:
    """The smallest group worth a theme: 3 texts, growing with the square root of the volume
    (8 of 3,000, 15 of 10,000, 47 of 100,000)."""
    return max(3, round(0.15 * math.sqrt(n)))


def discover_themes(
    texts: Sequence[str],
    embeddings: np.ndarray,
    *,
    n_themes: int | None = None,
    min_size: int | None = None,
    seed: int = 0,
) -> ThemeSet:
    """Themes of `texts` (one embedding row each); `n_themes` forces the count (splits)."""
    vectors = unit_rows(embeddings)
    if len(vectors) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(vectors)} embeddings")
    usable = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0)
    min_size = min_size or default_min_size(len(usable))
    labels = np.full(len(texts), NO_THEME, dtype=np.int64)
    if len(usable) < max(2 * min_size, 4):
        return ThemeSet(labels=labels, themes=[])
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(usable, size=min(len(usable), SAMPLE_SIZE), replace=False))
    groups = _partition(vectors[sample], n_themes=n_themes, min_size=min_size, seed=seed)
    labels[sample], themes = _build_themes(vectors[sample], groups, min_size=min_size)
    name_themes(texts, vectors, labels, themes)
    rest = np.setdiff1d(usable, sample)
    if len(rest) and themes:
        labels[rest] = assign(ThemeSet(labels=labels, themes=themes), vectors[rest])[0]
    for theme in themes:
        theme.size = int(np.sum(labels == theme.id))
    return ThemeSet(labels=labels, themes=themes)


def _partition(
    vectors: np.ndarray, *, n_themes: int | None, min_size: int, seed: int
) -> np.ndarray:
    """Cluster ids 0..k-1 for each row (k chosen unless n_themes is given)."""
    n = len(vectors)
    most = max(2, min(MAX_THEMES, n // min_size, n - 1))
    if n_themes is not None:
        k = max(1, min(n_themes, n - 1))
        if k == 1:
            return np.zeros(n, dtype=np.int64)
        return spectral_partition(spectral_vectors(vectors, k, seed=seed)[1], k, seed=seed)
    values, spectral = spectral_vectors(vectors, most + 1, seed=seed)
    counts = sorted({*candidate_counts(most), min(largest_gap(values), most)})
    scored = []
    for k in counts:
        groups = spectral_partition(spectral, k, seed=seed)
        scored.append((k, _silhouette(vectors, groups, seed), groups))
    return choose_count(scored)


def candidate_counts(most: int) -> list[int]:
    """2, 3, 4, 5, 6, 8, 10, 12, 15 ... up to `most`, each about 25% above the last."""
    counts: list[int] = []
    value = 2.0
    while round(value) <= most:
        if not counts or round(value) > counts[-1]:
            counts.append(round(value))
        value *= GRID_STEP
    return counts or [most]


def choose_count(scored: list[tuple[int, float, np.ndarray]]) -> np.ndarray:
    """The grouping with the fewest clusters whose score is within WITHIN_BEST of the best."""
    best = max(score for _, score, _ in scored)
    floor = best - WITHIN_BEST * abs(best)
    for _, score, groups in sorted(scored, key=lambda item: item[0]):
        if score >= floor:
            return groups
    return scored[-1][2]


def _silhouette(vectors: np.ndarray, groups: np.ndarray, seed: int) -> float:
    if len(set(groups.tolist())) < 2:
        return -1.0
    size = min(len(vectors), SILHOUETTE_SAMPLE)
    return float(
        silhouette_score(vectors, groups, metric="cosine", sample_size=size, random_state=seed)
    )


def lower_bound(similarities: np.ndarray) -> float:
    """How low a typical member's similarity to the centroid goes: the median minus
    OUTLIER_SPREAD robust standard deviations (1.4826 x median absolute deviation)."""
    median = float(np.median(similarities))
    spread = 1.4826 * float(np.median(np.abs(similarities - median)))
    return median - OUTLIER_SPREAD * max(spread, MIN_SPREAD)


def theme_thresholds(bounds: list[float]) -> list[float]:
    """Each theme's threshold: its own lower bound, pulled halfway to the median bound of all
    themes. A tight theme gets a higher bar than a broad one, and a small theme's noisy spread
    does not decide alone (on CLINC150 the halfway rule flags more out-of-scope requests, at
    the same false-flag rate, than either the theme's own bound or one bar for all)."""
    if not bounds:
        return []
    pooled = float(np.median(bounds))
    return [(bound + pooled) / 2 for bound in bounds]


def _build_themes(
    vectors: np.ndarray, groups: np.ndarray, *, min_size: int
) -> tuple[np.ndarray, list[Theme]]:
    """Themes (unnamed) from the groups of at least min_size rows, largest first with ids
    0, 1, 2 ...; and each row's theme id, NO_THEME for small groups and atypical members."""
    labels = np.full(len(vectors), NO_THEME, dtype=np.int64)
    ids, sizes = np.unique(groups, return_counts=True)
    pairs = sorted(zip(ids.tolist(), sizes.tolist(), strict=True), key=lambda p: -p[1])
    rows_of = [np.flatnonzero(groups == g) for g, size in pairs if size >= min_size]
    centroids = [unit_rows(vectors[rows].mean(axis=0))[0] for rows in rows_of]
    bounds = [lower_bound(vectors[r] @ c) for r, c in zip(rows_of, centroids, strict=True)]
    themes: list[Theme] = []
    for rows, centroid, threshold in zip(rows_of, centroids, theme_thresholds(bounds), strict=True):
        kept = rows[vectors[rows] @ centroid >= threshold]
        if len(kept) < min_size:
            continue
        theme_id = len(themes)
        labels[kept] = theme_id
        centroid = unit_rows(vectors[kept].mean(axis=0))[0]
        themes.append(Theme(theme_id, "", [], [], centroid, len(kept), float(threshold)))
    return labels, themes
