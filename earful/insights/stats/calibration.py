"""How often the trend detector cries wolf: false alarms measured on simulated stationary data.

Every simulated series has the same distribution in every week (nothing changed), so every
finding is a false alarm. A run tests `series_per_run` series together, as one dashboard run
tests many themes x segments x channels, and applies Benjamini-Hochberg across them. Reported:
  family-wise rate   share of runs with at least one alarm (BH bounds it by the FDR level when
                     nothing changed anywhere)
  per-series rate    share of all series that raised an alarm
  raw rate           share of series whose unadjusted p-value is at most the level: the size of
                     the window test itself, which should be close to the level (a test far
                     below it is wasting power, far above it is miscalibrated)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from earful.insights.stats.trends import FDR, WindowTest, find_trends, score_test, volume_test
from earful.insights.stats.weekly import Weekly

NPS_VALUES = (100.0, 0.0, -100.0)
NPS_PROBABILITIES = (0.45, 0.30, 0.25)  # promoters, passives, detractors: NPS 20


@dataclass(frozen=True)
class Calibration:
    runs: int
    series_per_run: int
    fdr: float
    runs_with_alarm: int
    alarms: int
    raw_rejections: int
    tested: int

    @property
    def family_wise_rate(self) -> float:
        return self.runs_with_alarm / self.runs

    @property
    def per_series_rate(self) -> float:
        return self.alarms / max(self.tested, 1)

    @property
    def raw_rate(self) -> float:
        return self.raw_rejections / max(self.tested, 1)


def stationary_scores(
    rng: np.random.Generator,
    *,
    weeks: int,
    per_week: float,
    values: Sequence[float] = NPS_VALUES,
    probabilities: Sequence[float] = NPS_PROBABILITIES,
) -> Weekly:
    """One weekly series of per-response values with the same distribution every week and a
    Poisson number of responses per week."""
    n = rng.poisson(per_week, size=weeks)
    counts = rng.multinomial(n, probabilities)
    points = np.asarray(values, dtype=float)
    grid = np.datetime64("2026-01-05") + np.arange(weeks) * np.timedelta64(7, "D")
    return Weekly(grid, n, counts @ points, counts @ (points * points))


def simulate_false_alarms(
    *,
    kind: str = "score",
    runs: int = 200,
    series_per_run: int = 25,
    weeks: int = 12,
    per_week: float = 40.0,
    fdr: float = FDR,
    min_effect: float = 0.0,
    seed: int = 0,
) -> Calibration:
    """Runs the detector on stationary series (`kind` "score": NPS responses; "volume": Poisson
    counts). `min_effect` 0 measures the statistics alone, without the effect-size floor."""
    rng = np.random.default_rng(seed)
    runs_with_alarm = alarms = raw = tested = 0
    for _ in range(runs):
        tests: dict[int, WindowTest] = {}
        for i in range(series_per_run):
            if kind == "score":
                tests[i] = score_test(stationary_scores(rng, weeks=weeks, per_week=per_week))
            else:
                tests[i] = volume_test(rng.poisson(per_week, size=weeks))
        findings, q_values = find_trends(
            tests, fdr=fdr, min_score_effect=min_effect, min_volume_effect=min_effect
        )
        runs_with_alarm += bool(findings)
        alarms += len(findings)
        tested += len(q_values)
        raw += sum(1 for t in tests.values() if t.p_value is not None and t.p_value <= fdr)
    return Calibration(runs, series_per_run, fdr, runs_with_alarm, alarms, raw, tested)
