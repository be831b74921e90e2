"""Tier movement between two periods: the transition matrix and who moved up a level.

Method and assumptions: earful.insights.stats.tiers. Customers are recognised across surveys
by their customer record (identified surveys) or their pseudonymous code; trustee surveys keep
no identity, so their responses never count here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from earful.accounts.models import Organization
from earful.insights.selectors_rows import Period, load_rows, to_datetime64
from earful.insights.stats.tiers import LEVELS, Movement, Transition, latest_tiers, movement
from earful.insights.stats.tiers import transition_matrix as _matrix
from earful.surveys.models import Survey


@dataclass(frozen=True)
class TierMovement:
    period_a: Period
    period_b: Period
    transition: Transition
    movement: Movement
    tiers_a: dict[str, int]  # customers per tier in A (all with a tier there)
    tiers_b: dict[str, int]
    anonymous: int  # scored responses left out: trustee surveys or no customer given


def _counts(tiers: dict) -> dict[str, int]:
    values = list(tiers.values())
    return {tier: values.count(tier) for tier in LEVELS}


def tier_movement(
    organization: Organization, period_a: Period, period_b: Period, survey: Survey | None = None
) -> TierMovement:
    """Each customer's tier in each period from their latest answer there, the 3x3 matrix
    between them and the shares who moved up, stayed and moved down. One query."""
    rows = load_rows(
        organization,
        start=min(period_a.start, period_b.start),
        end=max(period_a.end, period_b.end),
        survey=survey,
    )
    known = np.array([c is not None for c in rows.customers], dtype=bool)
    customers, times, tiers = rows.customers[known], rows.times[known], rows.tiers[known]
    bounds = to_datetime64([period_a.start, period_a.end, period_b.start, period_b.end])
    a = latest_tiers(customers, times, tiers, start=bounds[0], end=bounds[1])
    b = latest_tiers(customers, times, tiers, start=bounds[2], end=bounds[3])
    transition = _matrix(a, b)
    return TierMovement(
        period_a,
        period_b,
        transition,
        movement(transition),
        _counts(a),
        _counts(b),
        int((~known).sum()),
    )
