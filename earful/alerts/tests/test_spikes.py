"""Theme spikes: this week's mentions against the weeks before, by the insights trend test."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from earful.alerts.models import Alert, RuleKind
from earful.alerts.services import evaluate_periodic
from earful.alerts.services.spikes import rolling_counts
from earful.alerts.tests.conftest import NOW, make_item, make_rule
from earful.insights.models import ItemTheme, Theme, ThemeStatus


def _theme(org, label, weekly, *, status=ThemeStatus.ACTIVE):
    """A theme with `weekly[i]` mentions in the 7-day period i (oldest first, the last one
    ending now), spread over each period."""
    theme = Theme.objects.create(
        organization=org, label=label, centroid=b"\0" * 8, threshold=0.5, status=status
    )
    periods = len(weekly)
    for i, count in enumerate(weekly):
        end = NOW - timedelta(days=7 * (periods - 1 - i))
        for j in range(count):
            at = end - timedelta(days=7) * ((j + 0.5) / count)
            item = make_item(org, f"{label} {i} {j}", received_at=at)
            ItemTheme.objects.create(organization=org, item=item, theme=theme, similarity=0.9)
    return theme


def test_rolling_counts_end_now_and_leave_out_older_and_future_moments():
    moments = [NOW - timedelta(days=d) for d in (0.5, 1, 6.9, 7.1, 20, 30)] + [
        NOW + timedelta(hours=1)
    ]
    assert rolling_counts(moments, now=NOW, weeks=3).tolist() == [1, 1, 3]
    assert rolling_counts([], now=NOW, weeks=2).tolist() == [0, 0]


def test_a_theme_far_above_its_baseline_fires_once_with_the_test_explained(org):
    rule = make_rule(org, RuleKind.THEME_SPIKE)
    billing = _theme(org, "Billing errors", [2] * 8 + [30])
    _theme(org, "Delivery", [5] * 9)
    _theme(org, "Login", [0] * 8 + [3])  # new but too few mentions
    _theme(org, "Old merged", [0] * 8 + [40], status=ThemeStatus.MERGED)
    assert evaluate_periodic(now=NOW) == 1
    assert evaluate_periodic(now=NOW + timedelta(days=1)) == 0  # one alert per spike
    [alert] = Alert.objects.filter(rule=rule)
    assert alert.theme == billing
    assert alert.summary == "Theme spike: “Billing errors” 30 mentions this week (+1,400%)"
    assert alert.text.startswith(
        "“Billing errors” was mentioned 30 times in the last 7 days, against 2.0 a week over "
        "the 8 weeks before (16 in all): +1,400%. The chance that the usual rate shows a change "
        "this large is p < 0.0001 (exact Poisson rate test); after the Benjamini-Hochberg "
        "correction across the 2 themes tested, q < 0.0001."
    )
    assert "The rule fires at q ≤ 0.05 with a rise of at least +100% and at least 10 mentions" in (
        alert.text
    )
    assert alert.details["q_value"] < 0.05
    assert alert.details["mentions_this_week"] == 30


def test_a_rise_smaller_than_the_rules_does_not_fire(org):
    make_rule(org, RuleKind.THEME_SPIKE, min_increase_percent=300)
    _theme(org, "Billing errors", [10] * 8 + [30])  # +200%, clearly significant
    assert evaluate_periodic(now=NOW) == 0


def test_a_stationary_organization_raises_no_spike_across_many_themes(org):
    make_rule(org, RuleKind.THEME_SPIKE, min_mentions=1, min_increase_percent=25)
    rng = np.random.default_rng(7)
    for t in range(12):
        _theme(org, f"Theme {t}", rng.poisson(4, size=9).tolist())
    assert evaluate_periodic(now=NOW) == 0
