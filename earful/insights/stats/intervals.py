"""Confidence intervals shared by the stats modules."""

from __future__ import annotations

import math
from dataclasses import dataclass

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Proportion:
    """`count` of `n`, the share (0-1, None when n is 0) and its Wilson interval."""

    count: int
    n: int
    share: float | None
    low: float | None
    high: float | None


def wilson(count: int, n: int, *, confidence: float = CONFIDENCE) -> Proportion:
    """The Wilson score interval (Wilson 1927) for a binomial proportion.

    Assumes the `n` trials are independent with one common probability. Unlike the textbook
    p ± z·se interval it stays inside [0, 1] and keeps close to its nominal coverage for small
    n and for shares near 0 or 1 (Brown, Cai & DasGupta 2001)."""
    from scipy import stats  # lazy: the CLI starts fast

    if n <= 0:
        return Proportion(count, n, None, None, None)
    if not 0 <= count <= n:
        raise ValueError(f"count {count} is not between 0 and n={n}")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    share = count / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return Proportion(count, n, share, low, high)
