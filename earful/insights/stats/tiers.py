"""Tiers per customer over time, the transition matrix between two periods, and who moved up.

Method
  A customer's tier in a period is the tier of their latest answer inside that period (half-open
  window [start, end)); answers at the same moment are taken in input order, the later wins.
  Customers without an answer in a period have no tier there: nothing is carried forward, so a
  customer who answered once is never counted as "stayed" in a period they said nothing in.
  The transition matrix counts, for every customer with a tier in both periods, the pair
  (tier in A, tier in B). Levels are ordered dissatisfied (0) < satisfied (1) < highly
  satisfied (2); "moved up" means a higher level in B than in A, by one or two levels.

Assumptions
  Tiers from different surveys are comparable (that is what tiers are for: see
  earful.surveys.scoring for the cut points of each score type). The interval on the share
  who moved up is Wilson's, which treats customers as independent draws with one common
  probability of moving up; it describes sampling noise, not whether the customers who answered
  in both periods are like those who did not (they are often the more engaged ones).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from earful.insights.stats.intervals import CONFIDENCE, Proportion, wilson

DISSATISFIED, SATISFIED, HIGHLY_SATISFIED = "dissatisfied", "satisfied", "highly_satisfied"
LEVELS: tuple[str, ...] = (DISSATISFIED, SATISFIED, HIGHLY_SATISFIED)  # index = level
_LEVEL = {tier: level for level, tier in enumerate(LEVELS)}


def level_of(tier: str) -> int:
    """0 for dissatisfied, 1 for satisfied, 2 for highly satisfied; ValueError otherwise."""
    try:
        return _LEVEL[tier]
    except KeyError:
        raise ValueError(f"unknown tier {tier!r}; expected one of {LEVELS}") from None


def latest_tiers(
    customers: Sequence[Hashable] | np.ndarray,
    times: Sequence[Any] | np.ndarray,
    tiers: Sequence[str] | np.ndarray,
    *,
    end: Any,
    start: Any = None,
) -> dict[Hashable, str]:
    """Each customer's tier from their latest answer with start <= time < end.

    `times` and the bounds are anything numpy orders: datetime64, numbers, aware datetimes."""
    times_array = np.asarray(times)
    if not len(customers) == len(times_array) == len(tiers):
        raise ValueError("customers, times and tiers must have the same length")
    keep = times_array < end
    if start is not None:
        keep &= times_array >= start
    chosen = np.flatnonzero(keep)
    order = chosen[np.argsort(times_array[chosen], kind="stable")]
    latest: dict[Hashable, str] = {}
    for index in order:
        level_of(tiers[index])  # refuse unknown tiers loudly
        latest[customers[index]] = tiers[index]
    return latest


def tiers_over_time(
    customers: Sequence[Hashable] | np.ndarray,
    times: Sequence[Any] | np.ndarray,
    tiers: Sequence[str] | np.ndarray,
    *,
    dates: Iterable[Any],
    lookback: Any,
) -> np.ndarray:
    """Customers per tier at each date: rows = dates, columns = LEVELS, each customer counted
    once by their latest answer in [date - lookback, date)."""
    rows = []
    for date in dates:
        latest = latest_tiers(customers, times, tiers, start=date - lookback, end=date)
        counts = np.zeros(len(LEVELS), dtype=np.int64)
        for tier in latest.values():
            counts[_LEVEL[tier]] += 1
        rows.append(counts)
    return np.array(rows, dtype=np.int64).reshape(-1, len(LEVELS))


@dataclass(frozen=True)
class Transition:
    """counts[i, j]: customers at level i in period A and level j in period B (LEVELS order)."""

    counts: np.ndarray
    only_a: int  # customers with a tier in A and none in B
    only_b: int  # customers with a tier in B and none in A

    @property
    def customers(self) -> int:
        """Customers with a tier in both periods: the matrix's total."""
        return int(self.counts.sum())

    @property
    def row_shares(self) -> np.ndarray:
        """Each row divided by its total: where A's dissatisfied (etc.) went; NaN for an empty
        row."""
        totals = self.counts.sum(axis=1, keepdims=True).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, self.counts / totals, np.nan)

    def moved(self, direction: int) -> int:
        """Customers who moved up (direction 1), stayed (0) or moved down (-1)."""
        a, b = np.indices(self.counts.shape)
        return int(self.counts[np.sign(b - a) == direction].sum())


def transition_matrix(
    period_a: Mapping[Hashable, str], period_b: Mapping[Hashable, str]
) -> Transition:
    """The 3x3 matrix between two periods' tiers (each a mapping customer -> tier)."""
    counts = np.zeros((len(LEVELS), len(LEVELS)), dtype=np.int64)
    both = period_a.keys() & period_b.keys()
    for customer in both:
        counts[level_of(period_a[customer]), level_of(period_b[customer])] += 1
    return Transition(counts, len(period_a.keys() - both), len(period_b.keys() - both))


@dataclass(frozen=True)
class Movement:
    """Shares of the customers present in both periods, each with its Wilson interval.

    `moved_up_of_eligible` leaves out customers already highly satisfied in A, who cannot move
    up: it is the share of the "move everyone up one level" goal that was reached."""

    moved_up: Proportion
    stayed: Proportion
    moved_down: Proportion
    moved_up_of_eligible: Proportion


def share_moved_up(transition: Transition, *, confidence: float = CONFIDENCE) -> Proportion:
    """Customers present in both periods who moved up at least one level, with Wilson's
    interval: the headline "move everyone up one level" number."""
    return wilson(transition.moved(1), transition.customers, confidence=confidence)


def movement(transition: Transition, *, confidence: float = CONFIDENCE) -> Movement:
    n = transition.customers
    eligible = n - int(transition.counts[_LEVEL[HIGHLY_SATISFIED]].sum())
    return Movement(
        moved_up=share_moved_up(transition, confidence=confidence),
        stayed=wilson(transition.moved(0), n, confidence=confidence),
        moved_down=wilson(transition.moved(-1), n, confidence=confidence),
        moved_up_of_eligible=wilson(transition.moved(1), eligible, confidence=confidence),
    )
