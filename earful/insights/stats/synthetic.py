"""Synthetic NPS responses with a planted truth, for the tests and the documented numbers.

Each response mentions one theme (or two, `two_theme_share` of them), and is a promoter,
passive or detractor with probabilities that give its themes' NPS (passives fixed at 30%). The
planted change: in the last `drop_weeks` weeks, every response mentioning `dropped` is `drop`
NPS points less likely to be net positive; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from earful.insights.stats.tiers import DISSATISFIED, HIGHLY_SATISFIED, SATISFIED

THEME_NPS: Mapping[str, float] = {
    "Delivery": 20.0,
    "Sizing": 0.0,
    "Price": 30.0,
    "Quality": 40.0,
    "Service": 10.0,
}
PASSIVES = 0.30
START = np.datetime64("2026-01-05T00:00:00", "s")  # a Monday
_WEEK_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Responses:
    times: np.ndarray  # datetime64[s]
    tiers: np.ndarray  # tier names
    values: np.ndarray  # +100 / 0 / -100
    themes: list[tuple[str, ...]]


def _tiers_for(nps: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    promoters = (1 - PASSIVES + nps / 100) / 2
    draw = rng.random(len(nps))
    return np.where(
        draw < promoters,
        HIGHLY_SATISFIED,
        np.where(draw < promoters + PASSIVES, SATISFIED, DISSATISFIED),
    )


def planted_drop(
    *,
    seed: int,
    weeks: int = 12,
    per_week: int = 3000,
    dropped: str = "Delivery",
    drop: float = 10.0,
    drop_weeks: int = 4,
    two_theme_share: float = 0.2,
    theme_nps: Mapping[str, float] = THEME_NPS,
) -> Responses:
    """`weeks` weeks of `per_week` responses a week; see the module doc for the planted drop."""
    rng = np.random.default_rng(seed)
    names = list(theme_nps)
    n = weeks * per_week
    week = np.repeat(np.arange(weeks), per_week)
    seconds = week * _WEEK_SECONDS + rng.integers(0, _WEEK_SECONDS, size=n)
    first = rng.integers(0, len(names), size=n)
    second = (first + rng.integers(1, len(names), size=n)) % len(names)
    two = rng.random(n) < two_theme_share
    themes: list[tuple[str, ...]] = [
        (names[a], names[b]) if both else (names[a],)
        for a, b, both in zip(first, second, two, strict=True)
    ]
    base = np.array([np.mean([theme_nps[t] for t in labels]) for labels in themes])
    mentions = np.array([dropped in labels for labels in themes])
    nps = base - drop * (mentions & (week >= weeks - drop_weeks))
    tiers = _tiers_for(nps, rng)
    values = np.where(tiers == HIGHLY_SATISFIED, 100.0, np.where(tiers == DISSATISFIED, -100, 0))
    times = START + seconds.astype("timedelta64[s]")
    return Responses(times, tiers, values, themes)
