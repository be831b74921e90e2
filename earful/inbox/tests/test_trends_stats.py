"""The rising/falling detector of the request trends on synthetic weekly counts with a planted
truth (no database): build_series, which runs the insights engine's window test and
Benjamini-Hochberg across every series."""

from __future__ import annotations

import numpy as np
import pytest

from earful.inbox.selectors_trends import EMERGING, build_series

WEEKS = 12
THEMES = ("Delivery", "Billing", "Login", "Refunds", EMERGING)


def _counts(rng: np.random.Generator, rate: dict[tuple[str, str], float]) -> dict:
    """Poisson weekly counts per (channel, theme) from the zendesk/trustpilot sources, 12
    complete weeks and a current week."""
    source = {"ticket": "zendesk", "review": "trustpilot", "social": "social"}
    return {
        (channel, source[channel], theme): rng.poisson(r, size=WEEKS + 1).astype(np.int64)
        for (channel, theme), r in rate.items()
    }


def _label(key: str) -> str:
    return key


def _stationary_rates() -> dict[tuple[str, str], float]:
    return {
        (channel, theme): per_week
        for channel, per_week in (("ticket", 12.0), ("review", 5.0), ("social", 3.0))
        for theme in THEMES
    }


def test_a_theme_whose_tickets_triple_in_the_last_three_weeks_is_rising_in_tickets():
    rng = np.random.default_rng(7)
    counts = _counts(rng, _stationary_rates())
    delivery = counts[("ticket", "zendesk", "Delivery")]
    delivery[WEEKS - 3 : WEEKS] = rng.poisson(36.0, size=3)  # tripled, complete weeks only
    series = build_series(counts, recent=4, theme_label=_label)
    themes = [s for s in series if s.dimension == "theme" and s.direction]
    in_tickets = [s for s in themes if s.channel == "ticket"]
    assert [(s.key, s.direction) for s in in_tickets] == [("Delivery", "rising")]
    found = in_tickets[0]
    assert found.q_value is not None
    assert found.q_value < 0.001
    assert found.change is not None
    assert 1.0 < found.change < 2.5
    assert found.slope is not None
    assert found.slope > 5
    assert not [s for s in themes if s.channel in ("review", "social")]  # attributed to tickets
    assert {s.key for s in themes} == {"Delivery"}  # in tickets, and across channels
    steady = [s for s in series if s.dimension == "theme" and s.key != "Delivery"]
    assert all(s.direction is None for s in steady)


def test_stationary_counts_raise_no_alarm():
    rng = np.random.default_rng(2026)
    series = build_series(_counts(rng, _stationary_rates()), recent=4, theme_label=_label)
    assert len([s for s in series if s.q_value is not None]) >= 25  # a large family was tested
    assert [s for s in series if s.direction] == []


def test_the_false_alarm_rate_is_held_at_five_percent_across_many_stationary_runs():
    """Nothing changes anywhere: BH across every series (nested: all, channels, sources,
    themes, themes per channel) keeps the share of runs with any alarm near 5% at most."""
    rng = np.random.default_rng(11)
    runs = 300
    with_alarm = sum(
        any(s.direction for s in build_series(_counts(rng, _stationary_rates()), recent=4,
                                              theme_label=_label))
        for _ in range(runs)
    )  # fmt: skip
    assert with_alarm / runs <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / runs)  # 5% + 2 standard errors


def test_a_falling_request_type_is_reported_with_its_rate_of_change():
    rng = np.random.default_rng(3)
    counts = _counts(rng, _stationary_rates())
    counts[("ticket", "zendesk", "Login")][:WEEKS] = [40] * 8 + [10] * 4  # fixed after a release
    series = build_series(counts, recent=4, theme_label=_label)
    login = next(s for s in series if s.key == "Login" and s.channel == "ticket")
    assert login.direction == "falling"
    assert login.change == pytest.approx(10 / 40 - 1)  # -75%: the tested effect
    assert login.week_over_week == pytest.approx(0.0)  # 10 then 10
    assert login.slope == pytest.approx(0.0)  # flat within the recent window
    assert login.test.recent == pytest.approx(10.0)
    assert login.test.baseline == pytest.approx(40.0)


def test_the_current_week_is_counted_but_never_tested():
    counts = {("ticket", "zendesk", "Delivery"): np.array([10] * WEEKS + [500], dtype=np.int64)}
    (total, *_rest) = build_series(counts, recent=4, theme_label=_label)
    assert total.this_week == 500
    assert total.weekly == [10] * WEEKS
    assert total.direction is None
    assert total.change == pytest.approx(0.0)


def test_with_one_channel_a_theme_is_not_tested_twice():
    counts = {
        ("ticket", "zendesk", theme): np.full(WEEKS + 1, 10, dtype=np.int64)
        for theme in ("Delivery", "Billing")
    }
    series = build_series(counts, recent=4, theme_label=_label)
    assert [(s.dimension, s.key, s.channel) for s in series] == [
        ("all", "all", ""),
        ("channel", "ticket", ""),
        ("source", "zendesk", ""),
        ("theme", "Billing", ""),
        ("theme", "Delivery", ""),
    ]


def test_too_few_items_are_not_tested_and_do_not_count_in_the_family():
    counts = {("ticket", "zendesk", "Delivery"): np.array([1] * WEEKS + [0], dtype=np.int64)}
    series = build_series(counts, recent=4, theme_label=_label)
    assert all(s.q_value is None and s.direction is None for s in series)  # 12 < 20 items


def test_no_items_make_no_series():
    assert build_series({}, recent=4, theme_label=_label) == []
