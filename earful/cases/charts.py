"""The numbers page's charts, drawn by earful/core/charts.py."""

from __future__ import annotations

from datetime import datetime

from django.utils.safestring import SafeString

from earful.cases.numbers import FollowUp
from earful.core.charts import Bar, line_chart, stacked_share_bar
from earful.surveys.scoring import Tier

COLORS = {Tier.HIGHLY_SATISFIED: "#1a7f37", Tier.SATISFIED: "#8a9a5b", Tier.DISSATISFIED: "#c0392b"}


def weekly_chart(weeks: list[tuple[datetime, int, int, int]]) -> SafeString:
    points = [
        (f"{w:%d %b}", round(100 * inside / resolved, 1) if resolved else None)
        for w, _, resolved, inside in weeks
    ]
    return line_chart(
        points, title="Resolved inside target, % per week", y_range=(0, 100), label_every=2
    )


def follow_up_chart(follow: FollowUp) -> dict[str, SafeString]:
    def bar(counts: dict[str, int], title: str) -> SafeString:
        parts = [Bar(t.label, counts.get(t.value, 0), COLORS[t]) for t in Tier]
        return stacked_share_bar(parts, title=title)

    return {
        "with": bar(follow.with_case, "Next answer of detractors who got a case"),
        "without": bar(follow.without_case, "Next answer of detractors who did not"),
    }
