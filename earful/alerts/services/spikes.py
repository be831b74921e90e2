"""Theme spikes: a theme mentioned far more this week than in the weeks before.

"This week" is the last 7 days (rolling, so a Monday morning is not an almost empty week);
the baseline is the `baseline_weeks` 7-day periods before it. The test is the insights
engine's (earful.insights.stats.trends): the exact conditional test of two Poisson rates on
the counts (`volume_test`, recent = 1 week), then Benjamini-Hochberg across every theme of
the organization tested at once (`find_trends`), so that with many themes a chance bump does
not fire. A theme fires when its q-value is at most FDR, it rose by at least the rule's
percentage, and it has at least the rule's mentions this week; after firing it stays quiet
for COOLDOWN (one alert per spike)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np

from earful.alerts.models import Alert, AlertRule
from earful.alerts.services.firing import Candidate
from earful.alerts.services.matching import params
from earful.insights.models import ItemTheme, Theme, ThemeStatus
from earful.insights.stats.trends import FDR, WindowTest, find_trends, volume_test

WEEK = timedelta(days=7)
COOLDOWN = WEEK


def rolling_counts(moments: list[datetime], *, now: datetime, weeks: int) -> np.ndarray:
    """Counts per 7-day period ending at `now`, oldest first: `weeks` periods; the last one
    is the 7 days up to `now`. Moments outside them are left out."""
    if not moments:
        return np.zeros(weeks, dtype=np.int64)
    ages = np.array([(now - m).total_seconds() for m in moments]) / WEEK.total_seconds()
    index = np.floor(ages).astype(np.int64)
    inside = (ages >= 0) & (index < weeks)
    counts = np.bincount(index[inside], minlength=weeks)[:weeks]
    return counts[::-1].astype(np.int64)


def _mentions(rule: AlertRule, now: datetime, weeks: int) -> dict[int, list[datetime]]:
    by_theme: dict[int, list[datetime]] = {}
    rows = ItemTheme.objects.filter(
        organization_id=rule.organization_id,
        theme__status=ThemeStatus.ACTIVE,
        item__received_at__gt=now - WEEK * weeks,
        item__received_at__lte=now,
    ).values_list("theme_id", "item__received_at")
    for theme_id, received_at in rows:
        by_theme.setdefault(theme_id, []).append(received_at)
    return by_theme


def theme_spikes(rule: AlertRule, now: datetime) -> list[Candidate]:
    p = params(rule)
    baseline, least = p["baseline_weeks"], p["min_mentions"]
    mentions = _mentions(rule, now, baseline + 1)
    tests = {
        theme_id: volume_test(
            rolling_counts(moments, now=now, weeks=baseline + 1),
            recent=1,
            baseline=baseline,
            min_count=least,
        )
        for theme_id, moments in mentions.items()
    }
    findings, q_values = find_trends(
        tests, fdr=FDR, min_volume_effect=p["min_increase_percent"] / 100
    )
    quiet = set(
        Alert.objects.filter(rule=rule, fired_at__gt=now - COOLDOWN).values_list(
            "theme_id", flat=True
        )
    )
    rising = [
        f
        for f in findings
        if f.direction == "rising" and f.test.n_recent >= least and f.key not in quiet
    ]
    themes = Theme.objects.in_bulk([f.key for f in rising])
    tested = len(q_values)
    return [
        _candidate(themes[f.key], f.test, f.q_value, tested, p, now)
        for f in rising
        if f.key in themes
    ]


def _small(value: float) -> str:
    return "< 0.0001" if value < 0.0001 else f"= {value:.2g}"


def _candidate(
    theme: Theme, test: WindowTest, q: float, tested: int, p: dict, now: datetime
) -> Candidate:
    n_recent, n_base = test.n_recent, test.n_baseline
    per_week, effect, p_value = test.baseline or 0.0, test.effect or 0.0, test.p_value or 0.0
    weeks = p["baseline_weeks"]
    rise = "new: no mentions before" if not math.isfinite(effect) else f"+{effect * 100:,.0f}%"
    text = (
        f"“{theme.name}” was mentioned {n_recent} times in the last 7 days, against "
        f"{per_week:.1f} a week over the {weeks} weeks before ({n_base} in all): {rise}. "
        f"The chance that the usual rate shows a change this large is p {_small(p_value)} "
        f"(exact Poisson rate test); after the Benjamini-Hochberg correction across the "
        f"{tested} theme{'s' if tested != 1 else ''} tested, q {_small(q)}. "
        f"The rule fires at q ≤ {FDR:g} "
        f"with a rise of at least +{p['min_increase_percent']}% and at least "
        f"{p['min_mentions']} mentions this week."
    )
    return Candidate(
        dedupe_key=f"theme:{theme.pk}:{now.date().isoformat()}",
        summary=f"Theme spike: “{theme.name}” {n_recent} mentions this week ({rise})",
        text=text,
        theme=theme,
        details={
            "mentions_this_week": n_recent,
            "baseline_per_week": round(per_week, 2),
            "baseline_weeks": weeks,
            "increase": None if not math.isfinite(effect) else round(effect, 4),
            "p_value": p_value,
            "q_value": q,
            "themes_tested": tested,
            "fdr": FDR,
        },
    )
