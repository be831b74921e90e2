"""The insights pages' charts, built from selector results with the kernel's SVG helpers."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString, mark_safe

from earful.core.charts import Bar, line_chart, stacked_share_bar
from earful.insights.selectors import TIER_ORDER, Step, Summary, Week
from earful.surveys.scoring import SCALES, QuestionType

TIER_COLORS = {
    "highly_satisfied": "#17753a",
    "satisfied": "#8a6100",
    "dissatisfied": "#b3261e",
}


def tier_rows(summary: Summary) -> list[tuple[str, str, int | None, float | None]]:
    """(key, label, count, percent) for each tier, best first; None where suppressed."""
    scored = max(summary.scored, 1)
    rows = []
    for t in TIER_ORDER:
        count = summary.tiers[t.value]
        rows.append(
            (t.value, t.label, count, None if count is None else round(100 * count / scored, 1))
        )
    return rows


def tier_chart(summary: Summary) -> SafeString:
    title = "Share of respondents per satisfaction tier"
    if any(n is None for n in summary.tiers.values()):
        return mark_safe(f'<p class="muted">{title}: hidden, fewer than 5 in a tier.</p>')
    parts = [Bar(t.label, summary.tiers[t.value] or 0, TIER_COLORS[t.value]) for t in TIER_ORDER]
    return stacked_share_bar(parts, title=title)


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
    points = [
        (w.start.strftime("%d %b"), None if w.responses is None else float(w.responses))
        for w in weeks
    ]
    return line_chart(points, title="Responses per week")


def reached_chart(steps: Sequence[Step]) -> SafeString:
    """How many responses reached each question, in order: the survey's funnel."""
    points = [(s.key, None if s.reached is None else float(s.reached)) for s in steps]
    return line_chart(points, title="Responses reaching each question", label_every=1)


STOP_COLORS = ("#0b5cad", "#17753a", "#8a6100", "#b3261e", "#5b3fa0")


def stopped_chart(steps: Sequence[Step]) -> SafeString:
    """Where unfinished responses stopped: the share whose last answer was each question."""
    if any(step.stopped is None for step in steps):
        return mark_safe(
            '<p class="muted">Where unfinished responses stopped: hidden, '
            "fewer than 5 at a question.</p>"
        )
    parts = [
        Bar(f"{step.key}: {step.text}", step.stopped or 0, STOP_COLORS[i % len(STOP_COLORS)])
        for i, step in enumerate(steps)
    ]
    return stacked_share_bar(parts, title="Where unfinished responses stopped")
