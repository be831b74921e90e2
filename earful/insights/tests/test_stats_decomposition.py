"""What changed: the shift-share split adds up exactly and finds the planted theme."""

from __future__ import annotations

import numpy as np
import pytest

from earful.insights.stats.decomposition import (
    NO_LABEL,
    Contribution,
    Decomposition,
    decompose,
    describe_change,
    group_scores,
)
from earful.insights.stats.synthetic import planted_drop


def _periods(seed: int):
    responses = planted_drop(seed=seed)
    recent = responses.times >= np.datetime64("2026-03-02")  # the last 4 of 12 weeks
    a, b = np.flatnonzero(~recent), np.flatnonzero(recent)
    return (
        group_scores(responses.values[a], [responses.themes[i] for i in a]),
        group_scores(responses.values[b], [responses.themes[i] for i in b]),
    )


def test_group_scores_split_a_two_theme_response_half_and_half():
    groups = group_scores([100, -100, 0], [["Delivery", "Price"], ["Delivery"], []])
    assert groups.shares == {
        "Delivery": 0.5,
        "Price": pytest.approx(1 / 6),
        NO_LABEL: pytest.approx(1 / 3),
    }
    assert groups.scores["Delivery"] == pytest.approx((50 - 100) / 1.5)
    weighted = sum(groups.shares[g] * groups.scores[g] for g in groups.shares)
    assert weighted == pytest.approx(groups.score) == 0.0


def test_contributions_add_up_exactly_to_the_change():
    a = group_scores([100, 100, -100, 0, 100], [["A"], ["B"], ["A", "B"], ["C"], ["A"]])
    b = group_scores([-100, 0, 100, -100], [["A"], ["B", "C"], ["D"], ["A"]])
    split = decompose(a, b, dimension="theme")
    assert sum(c.total for c in split.contributions) == pytest.approx(split.change, abs=1e-12)
    assert split.change == pytest.approx(-25.0 - 40.0)


def test_a_group_that_appears_contributes_only_through_mix():
    a = group_scores([0, 0], [["A"], ["A"]])
    b = group_scores([0, 100], [["A"], ["New"]])
    parts = {c.group: c for c in decompose(a, b, dimension="theme").contributions}
    assert (parts["New"].score_a, parts["New"].rate) == (None, 0.0)
    # The score rose 50: New arrived well above the average (+37.5) and the below-average A
    # shrank from all to half the responses (+12.5); neither group's own score changed.
    assert parts["New"].total == pytest.approx(37.5)
    assert (parts["A"].rate, parts["A"].total) == (0.0, pytest.approx(12.5))


def test_a_planted_drop_in_one_theme_is_attributed_to_that_theme():
    a, b = _periods(seed=3)
    split = decompose(a, b, dimension="theme")
    delivery = split.contributions[0]
    assert delivery.group == "Delivery"  # the largest contributor
    planted = (a.shares["Delivery"] + b.shares["Delivery"]) / 2 * -10
    assert delivery.total == pytest.approx(planted, abs=1.0)
    assert delivery.total / split.change > 0.5  # most of the fall
    assert abs(delivery.rate) > abs(delivery.mix)  # the theme got worse; it did not grow


@pytest.mark.parametrize("seed", range(5))
def test_delivery_is_the_top_contributor_whatever_the_seed(seed):
    split = decompose(*_periods(seed), dimension="theme")
    assert split.contributions[0].group == "Delivery"
    assert split.change < 0


def _made(dimension: str, a: float, b: float, parts: dict[str, float]) -> Decomposition:
    rows = tuple(Contribution(g, 0.5, 0.5, 0.0, 0.0, v, 0.0) for g, v in parts.items())
    return Decomposition(dimension, a, b, rows)


def test_the_sentence_names_the_top_contributors_in_plain_words():
    themes = _made("theme", 40.0, 34.0, {"Delivery": -4.1, "Sizing": -1.2, "Price": 0.5, "X": -0.2})
    assert describe_change([themes]) == "NPS fell 6.0 points: 4.1 from Delivery, 1.2 from Sizing."


def test_the_sentence_names_each_dimension_when_there_are_several():
    themes = _made("theme", 40.0, 34.0, {"Delivery": -4.1, "Sizing": -1.9})
    plans = _made("plan", 40.0, 34.0, {"Enterprise": -5.0, "Free": -1.0})
    assert describe_change([themes, plans], top=1) == (
        "NPS fell 6.0 points: 4.1 from Delivery (by theme); 5.0 from Enterprise (by plan)."
    )


def test_the_sentence_words_groups_as_told_and_leaves_small_ones_unnamed():
    big = Contribution("Enterprise", 0.5, 0.5, 0, 0, -5.0, 0)
    tiny = Contribution("Tiny", 0.01, 0.01, 0, 0, -1.0, 0)  # 10 responses a period
    plans = Decomposition("plan", 40.0, 34.0, (big, tiny), responses_a=1000, responses_b=1000)
    text = describe_change([plans], min_responses=30, phrase=lambda d, g: f"the {g} {d}")
    assert text == "NPS fell 6.0 points: 5.0 from the Enterprise plan."


def test_the_sentence_says_when_nothing_changed_and_speaks_averages_without_points():
    assert describe_change([_made("theme", 30.0, 30.01, {})]) == "NPS held steady at 30.0."
    rise = _made("theme", 4.1, 4.4, {"Sizing": 0.25})
    text = describe_change([rise], label="Average rating", unit="", decimals=2)
    assert text == "Average rating rose 0.30: 0.25 from Sizing."
