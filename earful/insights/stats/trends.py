"""Rising and falling trends: a window test per weekly series, Benjamini-Hochberg across them.

Method
  Each series is split into a recent window (the last `recent` weeks, 4 by default) and the
  baseline before it (the `baseline` weeks before that, 8 by default).
  Scores, tier shares and averages: Welch's two-sample t-test (unequal variances) on the
  per-response values of the two windows (`weekly.headline_values`: +100/0/-100 for NPS, so the
  window mean is the window's NPS). Effect: recent mean minus baseline mean, in the score's
  units (NPS points, percentage points, score points).
  Volumes: the exact conditional test of two Poisson rates: given k responses in both windows,
  the recent window's count is Binomial(k, recent / (recent + baseline)) if the weekly rate did
  not change; two-sided exact binomial p-value. Effect: relative change of the weekly rate.
  Many series are tested at once (themes x segments x channels), so p-values are adjusted with
  Benjamini-Hochberg; a series is reported when its q-value is at most `q` (0.05 by default)
  AND its effect is at least the minimum effect. The false discovery rate is then at most q;
  when nothing changed anywhere, the chance of one or more false alarms in a whole run is at
  most q too (under the global null the BH procedure controls the family-wise error rate).
  `earful.insights.stats.calibration` measures both on simulated stationary data.

Assumptions
  Responses are independent draws within each window: a week-to-week swing larger than sampling
  noise (a campaign, a holiday) is a real change as far as the test goes, and the minimum effect
  keeps the small ones out. Welch's test relies on the central limit theorem for the window
  means: a window needs at least `min_n` (30) values to be tested; below that the series is
  reported as not tested. Volumes are assumed Poisson (variance = mean); real volumes are often
  more variable, which the minimum relative change (25%) guards against. Benjamini-Hochberg
  assumes independent or positively dependent p-values, as overlapping breakdowns of the same
  responses are.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from earful.insights.stats.weekly import Weekly

RECENT_WEEKS = 4
BASELINE_WEEKS = 8
FDR = 0.05
MIN_N = 30  # values per window for a score test
MIN_COUNT = 20  # responses in both windows together for a volume test
MIN_SCORE_EFFECT = 5.0  # NPS points / percentage points
MIN_AVERAGE_EFFECT = 0.2  # score points of an average (CES 1-7, rating 1-5)
MIN_VOLUME_EFFECT = 0.25  # relative change of the weekly rate
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class WindowTest:
    """Recent window vs baseline: their levels, the effect, the p-value (None: not tested)."""

    kind: str  # "score" or "volume"
    recent: float | None  # mean, or responses per week
    baseline: float | None
    effect: float | None  # score: recent - baseline; volume: recent / baseline - 1
    p_value: float | None
    n_recent: int
    n_baseline: int


def _windows(length: int, recent: int, baseline: int) -> tuple[int, int, int]:
    if recent < 1 or baseline < 1 or length < recent + baseline:
        raise ValueError(f"need {recent} + {baseline} weeks, the series has {length}")
    return length - recent - baseline, length - recent, length


def score_test(
    series: Weekly,
    *,
    recent: int = RECENT_WEEKS,
    baseline: int = BASELINE_WEEKS,
    min_n: int = MIN_N,
) -> WindowTest:
    """Welch's t-test of the recent window's mean against the baseline's (see module doc)."""
    from scipy import stats  # lazy: the CLI starts fast

    first, cut, end = _windows(len(series.weeks), recent, baseline)
    n0, mean0, var0 = series.pooled(first, cut)
    n1, mean1, var1 = series.pooled(cut, end)
    if min(n0, n1) < max(min_n, 2):
        return WindowTest("score", _or_none(mean1), _or_none(mean0), None, None, n1, n0)
    se = np.sqrt(var0 / n0 + var1 / n1)
    if se == 0:
        p_value = 1.0 if mean0 == mean1 else 0.0
    else:
        result = stats.ttest_ind_from_stats(
            mean1, np.sqrt(var1), n1, mean0, np.sqrt(var0), n0, equal_var=False
        )
        p_value = float(result.pvalue)
    return WindowTest("score", mean1, mean0, mean1 - mean0, p_value, n1, n0)


def volume_test(
    counts: np.ndarray,
    *,
    recent: int = RECENT_WEEKS,
    baseline: int = BASELINE_WEEKS,
    min_count: int = MIN_COUNT,
    last_week_share: float = 1.0,
) -> WindowTest:
    """Exact conditional (binomial) test of equal weekly Poisson rates (see module doc).

    `last_week_share`: how much of the last week has passed (the week still running); the
    recent window's exposure is `recent - 1 + last_week_share` weeks, so a week half gone is
    not read as a fall in volume."""
    counts = np.asarray(counts, dtype=np.int64)
    first, cut, end = _windows(len(counts), recent, baseline)
    k0, k1 = int(counts[first:cut].sum()), int(counts[cut:end].sum())
    exposure = recent - 1 + min(max(last_week_share, 0.0), 1.0)
    rate0, rate1 = k0 / baseline, (k1 / exposure if exposure > 0 else 0.0)
    if k0 + k1 < min_count or exposure <= 0:
        return WindowTest("volume", rate1, rate0, None, None, k1, k0)
    p_value = exact_binomial_p(k1, k0 + k1, exposure / (exposure + baseline))
    effect = rate1 / rate0 - 1 if rate0 > 0 else float("inf")
    return WindowTest("volume", rate1, rate0, effect, p_value, k1, k0)


def exact_binomial_p(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial p-value: the probability of every outcome no more likely than
    k (as scipy.stats.binomtest, in one vectorised pass)."""
    from scipy import stats  # lazy: the CLI starts fast

    pmf = stats.binom.pmf(np.arange(n + 1), n, p)
    return float(min(1.0, pmf[pmf <= pmf[k] * (1 + 1e-7)].sum()))


def _or_none(value: float) -> float | None:
    return None if np.isnan(value) else value


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """BH-adjusted p-values (q-values): q_(i) = min over j >= i of p_(j) * m / j, capped at 1.
    Rejecting every q <= alpha is the Benjamini-Hochberg (1995) step-up procedure at level
    alpha."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(adjusted, 1.0)
    return q


@dataclass(frozen=True)
class Finding:
    key: Hashable
    direction: str  # "rising" or "falling"
    test: WindowTest
    q_value: float


def find_trends(
    tests: Mapping[K, WindowTest],
    *,
    fdr: float = FDR,
    min_score_effect: float = MIN_SCORE_EFFECT,
    min_volume_effect: float = MIN_VOLUME_EFFECT,
    min_effects: Mapping[K, float] | None = None,
) -> tuple[list[Finding], dict[K, float]]:
    """The rising and falling series among `tests`, strongest evidence first, and the q-value
    of every tested series. Untested series (p None) do not count in the BH family.

    The minimum effect is `min_score_effect` for scores and `min_volume_effect` for volumes,
    unless `min_effects` names one for the series (averages: MIN_AVERAGE_EFFECT)."""
    min_effects = min_effects or {}
    tested = [key for key, test in tests.items() if test.p_value is not None]
    q_values = benjamini_hochberg(np.array([tests[key].p_value for key in tested], dtype=float))
    q_by_key = dict(zip(tested, (float(q) for q in q_values), strict=True))
    findings = []
    for key in tested:
        test = tests[key]
        default = min_score_effect if test.kind == "score" else min_volume_effect
        floor = min_effects.get(key, default)
        if q_by_key[key] <= fdr and test.effect is not None and abs(test.effect) >= floor:
            direction = "rising" if test.effect > 0 else "falling"
            findings.append(Finding(key, direction, test, q_by_key[key]))
    findings.sort(key=lambda f: (f.q_value, -abs(f.test.effect or 0)))
    return findings, q_by_key
