"""Weekly series: Monday-based week grids and per-week sufficient statistics. Pure numpy.

A series keeps, per week, the count, sum and sum of squares of per-response values, so any
window of weeks can be pooled exactly (a mean and a variance over the pooled responses) without
keeping the responses. `headline_values` turns scores into per-response values whose mean is
the headline score, so one machinery serves NPS, CSAT %, averages and tier shares alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from earful.insights.stats.tiers import DISSATISFIED, HIGHLY_SATISFIED, SATISFIED

_DAY = np.timedelta64(1, "D")
_WEEK = np.timedelta64(7, "D")
# Weeks with fewer values than this have no score (a gap), as on the survey dashboard.
MIN_PER_WEEK = 5


def monday(times: np.ndarray) -> np.ndarray:
    """The Monday (UTC date) starting each time's week; `times` is datetime64 of any unit."""
    days = np.asarray(times).astype("datetime64[D]")
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3, Monday = 0)
    return days - weekday * _DAY


def week_grid(end: np.datetime64, weeks: int) -> np.ndarray:
    """The `weeks` Mondays ending with the week that contains `end`, oldest first."""
    last = monday(np.array([end]))[0]
    return last - _WEEK * np.arange(weeks - 1, -1, -1)


def _week_index(times: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    index = ((monday(times) - grid[0]) // _WEEK).astype(np.int64)
    inside = (index >= 0) & (index < len(grid))
    return index, inside


def weekly_counts(times: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Events per week of `grid` (events outside the grid are left out)."""
    index, inside = _week_index(np.asarray(times), grid)
    return np.bincount(index[inside], minlength=len(grid)).astype(np.int64)


@dataclass(frozen=True)
class Weekly:
    """Per week of `weeks`: how many values, their sum and their sum of squares."""

    weeks: np.ndarray
    n: np.ndarray
    total: np.ndarray
    total_sq: np.ndarray

    @classmethod
    def of(cls, times: np.ndarray, values: np.ndarray, grid: np.ndarray) -> Weekly:
        values = np.asarray(values, dtype=float)
        index, inside = _week_index(np.asarray(times), grid)
        index, values = index[inside], values[inside]
        size = len(grid)
        return cls(
            weeks=grid,
            n=np.bincount(index, minlength=size).astype(np.int64),
            total=np.bincount(index, weights=values, minlength=size),
            total_sq=np.bincount(index, weights=values * values, minlength=size),
        )

    def means(self, *, min_n: int = MIN_PER_WEEK) -> np.ndarray:
        """Each week's mean; NaN for a week with fewer than `min_n` values."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n >= min_n, self.total / np.maximum(self.n, 1), np.nan)

    def pooled(self, start: int, stop: int) -> tuple[int, float, float]:
        """(count, mean, sample variance) of every value in weeks[start:stop]."""
        n = int(self.n[start:stop].sum())
        total = float(self.total[start:stop].sum())
        total_sq = float(self.total_sq[start:stop].sum())
        if n == 0:
            return 0, float("nan"), float("nan")
        mean = total / n
        variance = max(total_sq - n * mean * mean, 0.0) / (n - 1) if n > 1 else float("nan")
        return n, mean, variance


def headline_values(kind: str, scores: np.ndarray, tiers: np.ndarray) -> np.ndarray:
    """Per-response values whose mean is the headline score (earful.surveys.scoring):
    NPS: +100 promoter (highly satisfied), 0 passive, -100 detractor; CSAT: 100 for a 4-5 answer,
    else 0 (mean = CSAT %); CES and ratings: the score itself (mean = the average)."""
    tiers = np.asarray(tiers)
    if kind == "nps":
        return np.where(tiers == HIGHLY_SATISFIED, 100.0, np.where(tiers == DISSATISFIED, -100, 0))
    if kind == "csat":
        return np.where((tiers == HIGHLY_SATISFIED) | (tiers == SATISFIED), 100.0, 0.0)
    return np.asarray(scores, dtype=float)


def share_values(tiers: np.ndarray, tier: str) -> np.ndarray:
    """100 for a response in `tier`, else 0: the mean is the tier's share in percent."""
    return np.where(np.asarray(tiers) == tier, 100.0, 0.0)
