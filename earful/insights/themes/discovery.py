"""Theme discovery: groups an organization's texts by meaning and chooses how many groups.

1. Near-duplicates are folded first: a text whose embedding is at least DUPLICATE_SIMILARITY
   to an earlier one's joins it (one representative per group, no chaining). A clump of 500
   copies of one tweet is one point while the number of themes is chosen, so it cannot make
   "two themes" look best; it still counts 500 towards its theme's size.
2. The representatives' embeddings are centred (their mean subtracted, then scaled to unit
   length again): what every text shares (the brand, the product, the channel's tone) no
   longer makes every text look alike, and what sets texts apart weighs more.
3. A nearest-neighbour graph of the representatives, and its spectral embedding.
4. For a range of theme counts k (2 up to one theme per `min_size` texts, 25% apart, plus
   the count the largest eigengap suggests), k-means on the spectral embedding; each split
   is scored by its silhouette in the centred space, and the best one is kept (ties within
   TIE of the best go to the fewer themes).
5. Themes smaller than `min_size` texts, and members far less typical of their theme than the
   rest (below the theme's threshold, see `theme_thresholds`), get no theme (-1): the
   "misc / emerging" bucket.
Large inputs are clustered on a random sample of SAMPLE_SIZE texts; the rest are assigned to
the nearest theme with the same threshold rule as new texts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.metrics import silhouette_score
from sklearn.neighbors import NearestNeighbors

from earful.insights.themes.assignment import assign
from earful.insights.themes.naming import Embedder, name_themes
from earful.insights.themes.spectral import largest_gap, spectral_partition, spectral_vectors
from earful.insights.themes.theme_set import NO_THEME, Theme, ThemeSet, unit_rows

STEPS = 4  # progress steps: fold duplicates, choose k, build themes, name and assign
SAMPLE_SIZE = 8000  # texts clustered at most; the others are assigned to the themes found
MAX_THEMES = 120  # more themes than this are no longer something a person reads
GRID_STEP = 1.25  # candidate theme counts grow by 25% each step
SILHOUETTE_SAMPLE = 2000  # texts the silhouette is measured on (its cost is quadratic)
TIE = 0.01  # a k whose silhouette is within this of the best counts as a tie: fewer wins
DUPLICATE_SIMILARITY = 0.95  # cosine similarity at which two texts count as one
DUPLICATE_NEIGHBOURS = 10
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
    embedder: Embedder | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ThemeSet:
    """Themes of `texts` (one embedding row each); `n_themes` forces the count (splits).
    `embedder` embeds the candidate names (None: the shipped model; see naming.py);
    `progress(done, STEPS)` is called after each step."""
    step = progress or (lambda done, total: None)
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
    step(0, STEPS)
    leader = fold_duplicates(vectors[sample])
    step(1, STEPS)
    heads = np.unique(leader)
    if n_themes is None and len(heads) < max(2 * min_size, 4):
        return ThemeSet(labels=labels, themes=[])
    centred = centre(vectors[sample][heads])
    head_groups = _partition(centred, n_themes=n_themes, min_size=min_size, seed=seed)
    groups = head_groups[np.searchsorted(heads, leader)]
    step(2, STEPS)
    labels[sample], themes = _build_themes(vectors[sample], groups, min_size=min_size)
    step(3, STEPS)
    name_themes(texts, vectors, labels, themes, embedder=embedder)
    rest = np.setdiff1d(usable, sample)
    if len(rest) and themes:
        labels[rest] = assign(ThemeSet(labels=labels, themes=themes), vectors[rest])[0]
    for theme in themes:
        theme.size = int(np.sum(labels == theme.id))
    step(STEPS, STEPS)
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


def fold_duplicates(vectors: np.ndarray) -> np.ndarray:
    """For each row, the row that represents it: itself, or the first earlier row (a leader)
    among its nearest neighbours with cosine similarity >= DUPLICATE_SIMILARITY."""
    n = len(vectors)
    leader = np.arange(n)
    if n < 2:
        return leader
    count = min(DUPLICATE_NEIGHBOURS, n - 1) + 1
    index = NearestNeighbors(n_neighbors=count, metric="cosine").fit(vectors)
    distances, nearest = index.kneighbors(vectors)
    for row in range(n):
        for distance, other in zip(distances[row], nearest[row], strict=True):
            if 1.0 - distance < DUPLICATE_SIMILARITY:
                break
            if other < row and leader[other] == other:
                leader[row] = other
                break
    return leader


def centre(vectors: np.ndarray) -> np.ndarray:
    """The rows minus their mean, scaled to unit length."""
    return unit_rows(vectors - vectors.mean(axis=0, keepdims=True))


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
    """The grouping with the best score; among those within TIE of it, the fewest clusters."""
    best = max(score for _, score, _ in scored)
    floor = best - TIE
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
