"""Tiers per customer, the transition matrix and the moved-up share, on hand-made answers."""

from __future__ import annotations

import numpy as np
import pytest

from earful.insights.stats.intervals import wilson
from earful.insights.stats.tiers import (
    LEVELS,
    latest_tiers,
    movement,
    share_moved_up,
    tiers_over_time,
    transition_matrix,
)

D, S, H = "dissatisfied", "satisfied", "highly_satisfied"
# (customer, day, tier): period A is days 0-9, period B days 10-19.
ANSWERS = [
    ("ann", 1, D), ("ann", 12, S),  # up one level
    ("ben", 2, D), ("ben", 3, S), ("ben", 15, H),  # A's latest is S: up one
    ("cat", 4, S), ("cat", 11, S),  # stayed
    ("dan", 5, H), ("dan", 13, D),  # down two
    ("eve", 6, D), ("eve", 18, H),  # up two
    ("fay", 7, H), ("fay", 14, H),  # stayed at the top
    ("gus", 8, S),  # only in A
    ("hal", 16, D),  # only in B
]  # fmt: skip
customers = [a[0] for a in ANSWERS]
days = np.array([a[1] for a in ANSWERS])
tiers = [a[2] for a in ANSWERS]


def _periods():
    a = latest_tiers(customers, days, tiers, start=0, end=10)
    b = latest_tiers(customers, days, tiers, start=10, end=20)
    return a, b


def test_a_customer_s_tier_in_a_period_is_their_latest_answer_in_it():
    a, b = _periods()
    assert a == {"ann": D, "ben": S, "cat": S, "dan": H, "eve": D, "fay": H, "gus": S}
    assert b["ben"] == H
    assert "gus" not in b  # nothing is carried forward into a period they said nothing in


def test_answers_at_the_same_moment_take_the_later_one_in_input_order():
    assert latest_tiers(["x", "x"], [5, 5], [D, H], end=6) == {"x": H}


def test_an_unknown_tier_is_refused():
    with pytest.raises(ValueError, match="unknown tier"):
        latest_tiers(["x"], [1], ["happy"], end=2)


def test_the_transition_matrix_counts_customers_present_in_both_periods():
    transition = transition_matrix(*_periods())
    assert LEVELS == (D, S, H)
    assert transition.counts.tolist() == [
        [0, 1, 1],  # dissatisfied in A: ann -> S, eve -> H
        [0, 1, 1],  # satisfied in A: cat stayed, ben -> H
        [1, 0, 1],  # highly satisfied in A: dan -> D, fay stayed
    ]
    assert (transition.customers, transition.only_a, transition.only_b) == (6, 1, 1)
    assert transition.row_shares[0].tolist() == [0.0, 0.5, 0.5]


def test_an_empty_row_has_no_shares_rather_than_zeros():
    transition = transition_matrix({"x": H}, {"x": S})
    assert np.isnan(transition.row_shares[0]).all()
    assert transition.row_shares[2].tolist() == [0.0, 1.0, 0.0]


def test_the_moved_up_share_counts_one_and_two_level_moves_with_a_wilson_interval():
    transition = transition_matrix(*_periods())
    up = share_moved_up(transition)
    assert (up.count, up.n) == (3, 6)  # ann, ben, eve
    assert up.share == 0.5
    assert up.low == pytest.approx(0.1876, abs=1e-4)  # Wilson 95% for 3 of 6
    assert up.high == pytest.approx(0.8124, abs=1e-4)


def test_movement_splits_up_stayed_and_down_and_leaves_the_top_tier_out_of_the_goal():
    moved = movement(transition_matrix(*_periods()))
    assert (moved.moved_up.count, moved.stayed.count, moved.moved_down.count) == (3, 2, 1)
    # Two were highly satisfied in A and could not move up: 3 of the 4 who could, did.
    assert (moved.moved_up_of_eligible.count, moved.moved_up_of_eligible.n) == (3, 4)


def test_no_customer_in_both_periods_gives_no_share_instead_of_dividing_by_zero():
    up = share_moved_up(transition_matrix({"a": D}, {"b": H}))
    assert (up.n, up.share, up.low) == (0, None, None)


def test_the_wilson_interval_stays_inside_zero_and_one():
    none = wilson(0, 10)
    assert none.low == 0.0
    assert 0.25 < none.high < 0.30  # 0 of 10 still allows about 28%
    assert wilson(10, 10).high == 1.0


def test_tiers_over_time_counts_each_customer_once_per_date_by_latest_answer():
    counts = tiers_over_time(customers, days, tiers, dates=[10, 20], lookback=10)
    assert counts.tolist() == [[2, 3, 2], [2, 2, 3]]
