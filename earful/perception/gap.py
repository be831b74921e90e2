"""The gap between what staff predicted and what customers said, with 95% intervals.
Pure arithmetic on a handful of numbers (the aggregates come from selectors)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from statistics import mean, stdev

from earful.surveys.scoring import QuestionType, Tier, headline_score

Z95 = 1.96


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None
    n: int

    @property
    def known(self) -> bool:
        return self.value is not None


UNKNOWN = Estimate(None, None, None, 0)


def _interval(value: float, se: float, n: int) -> Estimate:
    return Estimate(round(value, 1), round(value - Z95 * se, 1), round(value + Z95 * se, 1), n)


def actual_score(
    kind: str, tiers: dict[str, int], total: int, sum_of_scores: int, sum_of_squares: int
) -> Estimate:
    """The customers' headline score for the period, with its normal-approximation interval."""
    value = headline_score(kind, tiers=tiers, total=total, sum_of_scores=sum_of_scores)
    if value is None:
        return UNKNOWN
    high = tiers.get(Tier.HIGHLY_SATISFIED, 0) / total
    low = tiers.get(Tier.DISSATISFIED, 0) / total
    if kind == QuestionType.NPS:  # difference of two shares of the same people
        variance = high + low - (high - low) ** 2
        return _interval(value, 100 * math.sqrt(max(variance, 0.0) / total), total)
    if kind == QuestionType.CSAT:
        share = value / 100
        return _interval(value, 100 * math.sqrt(share * (1 - share) / total), total)
    average = sum_of_scores / total
    variance = max(sum_of_squares / total - average**2, 0.0)
    return _interval(value, math.sqrt(variance / total), total)


def actual_share(highly: int, total: int) -> Estimate:
    """The share of customers highly satisfied, in percent."""
    if total == 0:
        return UNKNOWN
    share = highly / total
    return _interval(100 * share, 100 * math.sqrt(share * (1 - share) / total), total)


def predicted(values: list[Decimal]) -> Estimate:
    """The mean of the predictions, with the interval of a mean."""
    if not values:
        return UNKNOWN
    numbers = [float(v) for v in values]
    if len(numbers) == 1:
        return Estimate(round(numbers[0], 1), None, None, 1)
    return _interval(mean(numbers), stdev(numbers) / math.sqrt(len(numbers)), len(numbers))


def gap(expected: Estimate, actual: Estimate) -> Estimate:
    """Predicted minus actual: positive means staff think customers are happier than they are."""
    if expected.value is None or actual.value is None:
        return UNKNOWN
    difference = expected.value - actual.value
    spreads = [
        (e.high - e.value) / Z95
        for e in (expected, actual)
        if e.high is not None and e.value is not None
    ]
    se = math.sqrt(sum(s**2 for s in spreads))
    return _interval(difference, se, min(expected.n, actual.n))
