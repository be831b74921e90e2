"""Trend detection: a planted 10-point drop is found; stationary data stays within the rate."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from earful.insights.stats.calibration import simulate_false_alarms, stationary_scores
from earful.insights.stats.synthetic import THEME_NPS, planted_drop
from earful.insights.stats.trends import (
    FDR,
    WindowTest,
    benjamini_hochberg,
    exact_binomial_p,
    find_trends,
    score_test,
    volume_test,
)
from earful.insights.stats.weekly import Weekly, headline_values, monday, week_grid, weekly_counts


def _binomial_ceiling(trials: int, rate: float) -> float:
    """The most alarms a test at `rate` raises in 999 of 1000 repetitions, as a share."""
    return float(stats.binom.ppf(0.999, trials, rate)) / trials


def _theme_tests(seed: int):
    responses = planted_drop(seed=seed)
    grid = week_grid(responses.times.max(), 12)
    tests: dict[tuple[str, str], WindowTest] = {}
    for theme in THEME_NPS:
        mine = np.array([theme in labels for labels in responses.themes])
        times = responses.times[mine]
        tests[(theme, "score")] = score_test(Weekly.of(times, responses.values[mine], grid))
        tests[(theme, "volume")] = volume_test(weekly_counts(times, grid))
    return tests


def test_mondays_start_the_week_in_utc():
    days = np.array(["2026-11-16", "2026-11-18", "2026-11-22", "2026-11-23"], dtype="datetime64[D]")
    assert monday(days).astype(str).tolist() == ["2026-11-16"] * 3 + ["2026-11-23"]
    grid = week_grid(np.datetime64("2026-11-18T12:00"), 3)
    assert grid.astype(str).tolist() == ["2026-11-02", "2026-11-09", "2026-11-16"]


def test_weekly_series_pool_exactly_and_leave_thin_weeks_without_a_score():
    grid = week_grid(np.datetime64("2026-11-18"), 2)
    times = np.array(["2026-11-10"] * 3 + ["2026-11-17"] * 6, dtype="datetime64[s]")
    values = np.array([100, -100, 0, 100, 100, 100, 0, -100, 0], dtype=float)
    series = Weekly.of(times, values, grid)
    assert series.n.tolist() == [3, 6]
    assert np.isnan(series.means()[0])  # 3 answers: too few for a weekly score
    assert series.means()[1] == pytest.approx(100 / 3)
    n, mean, variance = series.pooled(0, 2)
    assert n == 9
    assert (mean, variance) == (pytest.approx(values.mean()), pytest.approx(values.var(ddof=1)))


def test_headline_values_average_to_the_headline_score():
    tiers = np.array(["highly_satisfied"] * 5 + ["satisfied"] * 3 + ["dissatisfied"] * 2)
    assert headline_values("nps", np.zeros(10), tiers).mean() == 30.0  # 50% - 20%
    assert headline_values("csat", np.zeros(10), tiers).mean() == 80.0
    assert headline_values("ces", np.arange(10), tiers).mean() == 4.5


def test_benjamini_hochberg_matches_the_step_up_procedure():
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.5])
    # sorted 0.005 0.01 0.03 0.04 0.5 -> x5/1 x5/2 x5/3 x5/4 x5/5, then running minimum from the top
    assert benjamini_hochberg(p).tolist() == pytest.approx([0.025, 0.05, 0.05, 0.025, 0.5])


def test_a_planted_ten_point_drop_in_one_theme_is_found_falling_and_nothing_else_is():
    findings, _q = find_trends(_theme_tests(seed=3))
    assert [(f.key, f.direction) for f in findings] == [(("Delivery", "score"), "falling")]
    drop = findings[0].test
    assert drop.effect == pytest.approx(-10, abs=3)
    assert findings[0].q_value < FDR


@pytest.mark.parametrize("seed", range(5))
def test_the_planted_drop_is_found_whatever_the_seed(seed):
    findings, _q = find_trends(_theme_tests(seed=seed))
    assert ("Delivery", "score") in [f.key for f in findings]


def test_a_series_with_too_few_responses_is_not_tested_and_not_counted():
    grid = week_grid(np.datetime64("2026-11-18"), 12)
    thin = score_test(Weekly.of(np.array([], dtype="datetime64[s]"), np.array([]), grid))
    assert thin.p_value is None
    _findings, q_values = find_trends({"thin": thin})
    assert q_values == {}


@pytest.mark.parametrize(("k", "n"), [(0, 30), (7, 30), (12, 30), (30, 30), (45, 400), (200, 900)])
def test_the_exact_binomial_p_value_matches_scipy(k, n):
    assert exact_binomial_p(k, n, 1 / 3) == pytest.approx(stats.binomtest(k, n, 1 / 3).pvalue)


def test_a_volume_that_doubles_is_found_rising():
    counts = np.array([40] * 8 + [80] * 4)
    test = volume_test(counts)
    assert test.effect == pytest.approx(1.0)
    findings, _q = find_trends({"tickets": test})
    assert [f.direction for f in findings] == ["rising"]


def test_a_significant_change_below_the_minimum_effect_is_not_reported():
    tiny = WindowTest("score", 51.0, 50.0, 1.0, 1e-9, 10_000, 20_000)
    assert find_trends({"tiny": tiny})[0] == []
    assert find_trends({"tiny": tiny}, min_effects={"tiny": 0.5})[0] != []


def test_the_score_test_is_calibrated_on_stationary_data():
    """2,000 stationary NPS series: the unadjusted test rejects at about its level, not more."""
    result = simulate_false_alarms(kind="score", runs=80, series_per_run=25, seed=11)
    assert result.tested == 2000
    assert result.raw_rate <= _binomial_ceiling(2000, FDR)
    assert result.raw_rate >= 0.03  # and not uselessly conservative either


def test_stationary_scores_raise_no_more_alarms_than_the_stated_rate():
    """1,000 runs of 10 stationary series (10,000 series), BH at q = 0.05: runs with any alarm."""
    result = simulate_false_alarms(kind="score", runs=1000, series_per_run=10, seed=12)
    assert result.family_wise_rate <= _binomial_ceiling(1000, FDR)
    assert result.per_series_rate <= _binomial_ceiling(10_000, FDR)


def test_stationary_volumes_raise_no_more_alarms_than_the_stated_rate():
    result = simulate_false_alarms(kind="volume", runs=1000, series_per_run=10, seed=13)
    assert result.family_wise_rate <= _binomial_ceiling(1000, FDR)
    assert result.raw_rate <= _binomial_ceiling(10_000, FDR)


def test_a_real_but_tiny_drift_at_high_volume_is_significant_yet_not_reported():
    """20,000 answers a week: NPS 20 -> 18 is real and its p-value tiny, but under 5 points."""
    rng = np.random.default_rng(15)
    before = stationary_scores(rng, weeks=8, per_week=20_000)
    after = stationary_scores(rng, weeks=4, per_week=20_000, probabilities=(0.44, 0.30, 0.26))
    series = Weekly(
        np.concatenate([before.weeks, after.weeks + np.timedelta64(56, "D")]),
        np.concatenate([before.n, after.n]),
        np.concatenate([before.total, after.total]),
        np.concatenate([before.total_sq, after.total_sq]),
    )
    test = score_test(series)
    assert test.p_value < 1e-6
    assert test.effect == pytest.approx(-2, abs=0.5)
    assert find_trends({"drift": test})[0] == []


def test_a_week_still_running_is_not_read_as_a_fall_in_volume():
    counts = np.array([70] * 11 + [20])  # the last week is two days old: 20 is its usual pace
    naive = volume_test(counts)
    fair = volume_test(counts, last_week_share=2 / 7)
    assert naive.effect < -0.15
    assert fair.effect == pytest.approx(0.0, abs=0.01)
    assert fair.p_value > 0.5
