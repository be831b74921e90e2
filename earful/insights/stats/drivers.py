"""Key drivers: how much of the main score each theme and question accounts for.

Method: Johnson's relative weights (Johnson 2000, "A heuristic method for estimating the
relative weight of predictor variables in multiple regression")
  The predictors X (theme mentioned 0/1, other questions' scores) are replaced by their closest
  orthogonal counterparts Z = X R^(-1/2) (R: the predictors' correlation matrix); the score is
  regressed on Z, and each Z's explained variance is given back to the X's in proportion to
  their squared correlation with it. A predictor's weight is its part of R², the weights sum to
  R² exactly, and unlike regression coefficients they stay meaningful when predictors are
  correlated (themes mentioned together, questions that move together). They agree closely
  with Shapley value regression (LMG), which would need 2^p regressions per resample.

Uncertainty
  Percentile bootstrap (200 seeded resamples of the responses by default): a 95% interval for
  every weight. Weights are squares, never below 0, so "the interval excludes 0" would say
  nothing. Instead every resample also gets a predictor of pure random noise, and a driver is
  "clear" when the 95% interval of (its weight - the noise's weight) lies above 0: the test of
  Tonidandel, LeBreton & Johnson (2009, Psychological Methods 14(4)).

Too little data
  A theme mentioned by fewer than `min_observations` (30) of the responses, or missing from
  fewer than that, and a question answered fewer than that many times, is reported as
  "too little data" with its count, not ranked. So is a predictor that never varies.

Assumptions
  Linear, additive effects on the score; complete cases (a response missing an optional
  question is left out of the model, so a rarely answered question shrinks the sample for all).
  Weights carry no sign: `direction` gives the sign of the predictor's plain correlation with
  the score (-1: mentioning the theme goes with a lower score). A weight measures association,
  not cause. Resampling responses assumes they are independent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from earful.insights.stats.intervals import CONFIDENCE

MIN_OBSERVATIONS = 30
RESAMPLES = 200
RANKED, TOO_LITTLE_DATA = "ranked", "too_little_data"


def _standardized(matrix: np.ndarray) -> np.ndarray:
    """Columns centred and scaled to unit length; a constant column becomes all zeros."""
    centred = matrix - matrix.mean(axis=0)
    norms = np.sqrt((centred * centred).sum(axis=0))
    return np.divide(centred, norms, out=np.zeros_like(centred), where=norms > 0)


def relative_weights(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Johnson's raw relative weights of the columns of x on y, and R² (= their sum)."""
    zx, zy = _standardized(np.asarray(x, dtype=float)), _standardized(np.asarray(y, float)[:, None])
    r_xx, r_xy = zx.T @ zx, (zx.T @ zy)[:, 0]
    eigenvalues, vectors = np.linalg.eigh(r_xx)
    roots = np.sqrt(np.clip(eigenvalues, 0.0, None))
    lam = (vectors * roots) @ vectors.T  # R^(1/2): correlations between the X and the Z
    inverse_roots = np.divide(1.0, roots, out=np.zeros_like(roots), where=roots > 1e-9)
    beta = (vectors * inverse_roots) @ vectors.T @ r_xy  # the score regressed on the Z
    weights = (lam * lam) @ (beta * beta)
    return weights, float(weights.sum())


@dataclass(frozen=True)
class Driver:
    name: str
    observations: int  # responses mentioning the theme, or answering the question
    status: str  # RANKED or TOO_LITTLE_DATA
    rank: int | None = None  # 1 = moves the score most
    weight: float | None = None  # part of R² (0-1)
    share: float | None = None  # weight / R²: part of what the model explains (0-1)
    low: float | None = None  # bootstrap interval of the weight
    high: float | None = None
    beyond_noise_low: float | None = None  # interval of weight - a random predictor's weight
    beyond_noise_high: float | None = None
    direction: int | None = None  # sign of the plain correlation with the score

    @property
    def clear(self) -> bool:
        """The weight is above what a random predictor gets, at the stated confidence."""
        return self.beyond_noise_low is not None and self.beyond_noise_low > 0


@dataclass(frozen=True)
class DriverAnalysis:
    responses: int  # complete responses in the model
    r_squared: float | None
    drivers: tuple[Driver, ...]  # ranked ones by rank, then the too-little-data ones
    resamples: int
    confidence: float


def _is_binary(column: np.ndarray) -> bool:
    known = column[~np.isnan(column)]
    return bool(np.isin(known, (0.0, 1.0)).all())


def _enough(column: np.ndarray, binary: bool, minimum: int) -> tuple[int, bool]:
    """How many responses inform the predictor (mentions of a theme, answers to a question),
    and whether it may be ranked: enough of them, and (themes) enough responses without it."""
    known = column[~np.isnan(column)]
    if binary:
        mentioned = int((known == 1).sum())
        return mentioned, min(mentioned, len(known) - mentioned) >= minimum
    varies = len(known) > 0 and float(np.ptp(known)) > 0
    return len(known), len(known) >= minimum and varies


def _usable(
    x: np.ndarray, rows: np.ndarray, binary: Sequence[bool], minimum: int
) -> tuple[list[int], np.ndarray, dict[int, int]]:
    """The predictors with enough data among the complete responses, those responses, and the
    count behind every predictor. Dropping a predictor can bring responses back, so repeat."""
    own = {j: _enough(x[rows, j], binary[j], minimum) for j in range(x.shape[1])}
    counts = {j: check[0] for j, check in own.items()}
    # A predictor too thin on its own rows (an optional question nobody answered) goes first,
    # so that it cannot make every response incomplete and sink the others with it.
    kept = [j for j, check in own.items() if check[1]]
    while True:
        complete = rows & ~np.isnan(x[:, kept]).any(axis=1)
        checks = {j: _enough(x[complete, j], binary[j], minimum) for j in kept}
        counts |= {j: check[0] for j, check in checks.items()}
        still = [j for j in kept if checks[j][1]]
        if still == kept:
            return kept, complete, counts
        kept = still


def _bootstrap(
    x: np.ndarray, y: np.ndarray, resamples: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per resample: every weight, and every weight minus that of an added random predictor."""
    rng = np.random.default_rng(seed)
    n, p = x.shape
    weights, beyond = np.empty((resamples, p)), np.empty((resamples, p))
    for i in range(resamples):
        pick = rng.integers(0, n, size=n)
        xb, yb = x[pick], y[pick]
        weights[i], _ = relative_weights(xb, yb)
        with_noise, _ = relative_weights(np.column_stack([xb, rng.standard_normal(n)]), yb)
        beyond[i] = with_noise[:-1] - with_noise[-1]
    return weights, beyond


def _ranked(
    names: list[str],
    counts: list[int],
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    r_squared: float,
    *,
    resamples: int,
    seed: int,
    confidence: float,
) -> list[Driver]:
    """The predictors with enough data, by weight, with their bootstrap intervals."""
    boot, beyond = _bootstrap(x, y, resamples, seed)
    tails = [(1 - confidence) / 2, (1 + confidence) / 2]
    low, high = np.quantile(boot, tails, axis=0)
    b_low, b_high = np.quantile(beyond, tails, axis=0)
    signs = np.sign(_standardized(x).T @ _standardized(y[:, None]))[:, 0]
    return [
        Driver(
            names[k], counts[k], RANKED, rank, float(weights[k]),
            float(weights[k] / r_squared) if r_squared > 0 else 0.0,
            float(low[k]), float(high[k]), float(b_low[k]), float(b_high[k]), int(signs[k]),
        )
        for rank, k in enumerate(np.argsort(-weights, kind="stable"), start=1)
    ]  # fmt: skip


def key_drivers(
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    binary: Sequence[bool] | None = None,
    min_observations: int = MIN_OBSERVATIONS,
    resamples: int = RESAMPLES,
    seed: int = 0,
    confidence: float = CONFIDENCE,
) -> DriverAnalysis:
    """Relative weights of the columns of `x` (NaN: not answered) on the score `y`, with
    bootstrap intervals; predictors with too little data are listed, not ranked."""
    y = np.asarray(y, dtype=float)
    # no answers at all: no rows to infer the width from (reshape(0, -1) cannot)
    x = np.asarray(x, dtype=float).reshape(len(y), -1) if len(y) else np.empty((0, len(names)))
    if x.shape[1] != len(names):
        raise ValueError(f"{x.shape[1]} predictors but {len(names)} names")
    binary = list(binary) if binary is not None else [_is_binary(c) for c in x.T]
    kept, complete, counts = _usable(x, ~np.isnan(y), binary, min_observations)
    xs, ys = x[complete][:, kept], y[complete]
    if not kept or len(ys) < max(min_observations, len(kept) + 2) or float(np.ptp(ys)) == 0:
        drivers = tuple(Driver(name, counts[j], TOO_LITTLE_DATA) for j, name in enumerate(names))
        return DriverAnalysis(len(ys), None, drivers, resamples, confidence)
    weights, r_squared = relative_weights(xs, ys)
    names_kept = [names[j] for j in kept]
    ranked = _ranked(names_kept, [counts[j] for j in kept], xs, ys, weights, r_squared,
                     resamples=resamples, seed=seed, confidence=confidence)  # fmt: skip
    little = [
        Driver(names[j], counts[j], TOO_LITTLE_DATA) for j in range(len(names)) if j not in kept
    ]
    return DriverAnalysis(len(ys), r_squared, (*ranked, *little), resamples, confidence)
