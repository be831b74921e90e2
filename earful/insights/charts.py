"""The insights pages' charts, built from selector results with the kernel's SVG helpers."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString

from earful.core.charts import Bar, line_chart, stacked_share_bar
from earful.insights.selectors import TIER_ORDER, Summary, Week
from earful.surveys.scoring import SCALES, QuestionType

TIER_COLORS = {
    "highly_satisfied": "#17753a",
    "satisfied": "#8a6100",
    "dissatisfied": "#b3261e",
}


def tier_rows(summary: Summary) -> list[tuple[str, str, int, float]]:
    """(key, label, count, percent) for each tier, best first."""
    scored = max(summary.scored, 1)
    return [
        (t.value, t.label, summary.tiers[t.value], round(100 * summary.tiers[t.value] / scored, 1))
        for t in TIER_ORDER
    ]


def tier_chart(summary: Summary) -> SafeString:
    parts = [Bar(t.label, summary.tiers[t.value], TIER_COLORS[t.value]) for t in TIER_ORDER]
    return stacked_share_bar(parts, title="Share of respondents per satisfaction tier")


def weekly_score_chart(weeks: Sequence[Week], kind: str) -> SafeString:
    if kind == QuestionType.NPS:
        y_range: tuple[float, float] | None = (-100.0, 100.0)
    elif kind == QuestionType.CSAT:
        y_range = (0.0, 100.0)
    elif kind in SCALES:
        y_range = (float(SCALES[kind][0]), float(SCALES[kind][1]))
    else:
        y_range = None
    points = [(w.start.strftime("%d %b"), w.score) for w in weeks]
    return line_chart(points, title="Score per week", y_range=y_range)


def weekly_volume_chart(weeks: Sequence[Week]) -> SafeString:
    points = [(w.start.strftime("%d %b"), float(w.responses)) for w in weeks]
    return line_chart(points, title="Responses per week")
