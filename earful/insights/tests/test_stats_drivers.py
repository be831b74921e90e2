"""Key drivers: relative weights find the planted driver, with uncertainty and a data floor."""

from __future__ import annotations

from itertools import combinations
from math import factorial

import numpy as np
import pytest

from earful.insights.stats.drivers import RANKED, TOO_LITTLE_DATA, key_drivers, relative_weights


def _r_squared(x: np.ndarray, y: np.ndarray) -> float:
    if x.shape[1] == 0:
        return 0.0
    design = np.column_stack([np.ones(len(y)), x])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    return 1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum()


def _shapley(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """LMG: each predictor's R² gain averaged over every order of entry (exact, small p)."""
    p = x.shape[1]
    values = np.zeros(p)
    for j in range(p):
        others = [k for k in range(p) if k != j]
        for size in range(p):
            for subset in combinations(others, size):
                weight = factorial(size) * factorial(p - size - 1) / factorial(p)
                gain = _r_squared(x[:, [*subset, j]], y) - _r_squared(x[:, list(subset)], y)
                values[j] += weight * gain
    return values


def _planted(n: int = 1500, seed: int = 0):
    rng = np.random.default_rng(seed)
    strong = rng.normal(size=n)
    weak = 0.5 * strong + rng.normal(size=n)  # correlated with the strong one
    delivery = (rng.random(n) < 0.25).astype(float)
    noise = rng.normal(size=n)
    rare = np.zeros(n)
    rare[rng.choice(n, 12, replace=False)] = 1.0
    y = 1.5 * strong + 0.4 * weak - 1.0 * delivery + rng.normal(scale=1.5, size=n)
    names = ["noise", "weak", "Delivery", "rare theme", "strong"]
    return np.column_stack([noise, weak, delivery, rare, strong]), y, names


def test_relative_weights_sum_to_the_r_squared_of_the_full_regression():
    x, y, _names = _planted()
    weights, r_squared = relative_weights(x, y)
    assert r_squared == pytest.approx(_r_squared(x, y), abs=1e-9)
    assert weights.sum() == pytest.approx(r_squared)


def test_relative_weights_agree_with_shapley_value_regression():
    x, y, _names = _planted(n=800, seed=1)
    weights, _r2 = relative_weights(x, y)
    assert weights == pytest.approx(_shapley(x, y), abs=0.002)


def test_the_planted_strong_predictor_ranks_first_with_an_interval_clear_of_noise():
    x, y, names = _planted()
    analysis = key_drivers(x, y, names, seed=7)
    first = analysis.drivers[0]
    assert (first.name, first.rank, first.status) == ("strong", 1, RANKED)
    assert first.low <= first.weight <= first.high
    assert first.beyond_noise_low > 0
    assert first.clear
    assert first.direction == 1


def test_a_theme_that_lowers_the_score_is_clear_and_points_down():
    x, y, names = _planted()
    delivery = next(d for d in key_drivers(x, y, names, seed=7).drivers if d.name == "Delivery")
    assert delivery.clear
    assert delivery.direction == -1


def test_pure_noise_is_ranked_last_and_not_clear():
    x, y, names = _planted()
    ranked = [d for d in key_drivers(x, y, names, seed=7).drivers if d.status == RANKED]
    assert ranked[-1].name == "noise"
    assert not ranked[-1].clear


def test_a_rare_theme_says_too_little_data_instead_of_ranking():
    x, y, names = _planted()
    analysis = key_drivers(x, y, names, seed=7)
    rare = next(d for d in analysis.drivers if d.name == "rare theme")
    assert (rare.status, rare.observations) == (TOO_LITTLE_DATA, 12)
    assert (rare.rank, rare.weight) == (None, None)
    assert analysis.drivers[-1] is rare  # listed after the ranked ones
    assert key_drivers(x, y, names, min_observations=10, seed=7).drivers[-1].status == RANKED


def test_shares_of_the_explained_variance_add_up_to_one():
    x, y, names = _planted()
    analysis = key_drivers(x, y, names, seed=7)
    shares = [d.share for d in analysis.drivers if d.share is not None]
    assert sum(shares) == pytest.approx(1.0)


def test_an_unanswered_question_leaves_out_only_its_responses():
    x, y, names = _planted()
    x[:100, 1] = np.nan  # "weak" was optional and skipped 100 times
    analysis = key_drivers(x, y, names, seed=7)
    assert analysis.responses == 1400
    assert next(d for d in analysis.drivers if d.name == "weak").observations == 1400


def test_the_same_seed_gives_the_same_intervals():
    x, y, names = _planted()
    assert key_drivers(x, y, names, seed=3) == key_drivers(x, y, names, seed=3)


def test_too_few_responses_rank_nothing():
    x, y, names = _planted(n=20)
    analysis = key_drivers(x, y, names)
    assert analysis.r_squared is None
    assert {d.status for d in analysis.drivers} == {TOO_LITTLE_DATA}


def test_a_question_nobody_answered_does_not_sink_the_other_drivers():
    x, y, names = _planted()
    unanswered = np.full((len(y), 1), np.nan)
    analysis = key_drivers(np.column_stack([x, unanswered]), y, [*names, "ease"], resamples=20)
    statuses = {d.name: d.status for d in analysis.drivers}
    assert statuses["ease"] == TOO_LITTLE_DATA
    assert statuses["strong"] == RANKED
