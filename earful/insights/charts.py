"""The insights pages' charts, built from selector results with the kernel's SVG helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

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
    # weekly_series ends with the running week: marked "so far", not read as a dip
    return line_chart(points, title="Score per week", y_range=y_range, partial_last=True)


def weekly_volume_chart(weeks: Sequence[Week]) -> SafeString:
    points = [
        (w.start.strftime("%d %b"), None if w.responses is None else float(w.responses))
        for w in weeks
    ]
    return line_chart(points, title="Responses per week", partial_last=True)


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


# ---- the insights pages (overview, themes, drivers, movement): every mark can be a link ----

INK, MUTED, LINE, ACCENT = "#1b1f24", "#4a5563", "#d5dae1", "#0b5cad"
TIER_LABELS = {
    "dissatisfied": "Dissatisfied",
    "satisfied": "Satisfied",
    "highly_satisfied": "Highly satisfied",
}


def _doc(title: str, width: int, height: int, body: str, *, css: str = "") -> SafeString:
    return mark_safe(  # every interpolated label is escaped by the callers
        f'<svg role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{escape(title)}" class="{css}"><title>{escape(title)}</title>{body}</svg>'
    )


def _linked(href: str | None, body: str) -> str:
    return f'<a href="{escape(href)}">{body}</a>' if href else body


def sparkline(
    values: Sequence[float | None], *, title: str, width: int = 120, partial_last: bool = False
) -> SafeString:
    """A small line of weekly values with no axes, the last point marked; None leaves a gap.
    `partial_last`: the last value is the running week, drawn hollow and dashed (so far)."""
    height, pad = 28, 3
    known = [v for v in values if v is not None]
    if not known:
        return mark_safe('<span class="muted">no data</span>')
    high = max(max(known), 1.0)
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    path, pen_up, last, prev = [], True, "", ""
    for i, value in enumerate(values):
        if value is None:
            pen_up = True
            continue
        x, y = pad + i * step, height - pad - (height - 2 * pad) * value / high
        if partial_last and i == len(values) - 1:
            last += (
                f'<path d="M{prev}L{x:.1f},{y:.1f}" fill="none" stroke="{ACCENT}" '
                f'stroke-width="1.5" stroke-dasharray="2 2"/>'
                if prev and not pen_up
                else ""
            ) + (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#fff" stroke="{ACCENT}">'
                f"<title>This week so far: {value:g}</title></circle>"
            )
            break
        path.append(f"{'M' if pen_up else 'L'}{x:.1f},{y:.1f}")
        pen_up, prev = False, f"{x:.1f},{y:.1f}"
        last = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{ACCENT}"/>'
    line = f'<path d="{" ".join(path)}" fill="none" stroke="{ACCENT}" stroke-width="1.5"/>'
    return _doc(title, width, height, (line if path else "") + last, css="spark")


def weekly_bars(
    points: Sequence[tuple[str, float | None, str | None]], *, title: str, width: int = 640
) -> SafeString:
    """Vertical bars per week (label, value, link); a bar links to the week's comments."""
    height, base, pad = 180, 150, 12
    known = [v for _, v, _ in points if v is not None]
    if not known or max(known) <= 0:
        return mark_safe(f'<p class="muted">{escape(title)}: no data yet.</p>')
    high, step = max(known), (width - 2 * pad) / max(len(points), 1)
    marks = []
    for i, (label, value, href) in enumerate(points):
        x = pad + i * step
        if value:
            h = (base - pad) * value / high
            bar = (
                f'<rect x="{x + 2:.1f}" y="{base - h:.1f}" width="{step - 4:.1f}" '
                f'height="{h:.1f}" fill="{ACCENT}"><title>{escape(label)}: {value:g}</title></rect>'
                f'<text x="{x + step / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle">'
                f"{value:g}</text>"
            )
            marks.append(_linked(href, bar))
        if i % 2 == 0 or len(points) <= 8:
            marks.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 12}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    axis = f'<line x1="{pad}" x2="{width - pad}" y1="{base}" y2="{base}" stroke="{LINE}"/>'
    return _doc(title, width, height, axis + "".join(marks))


@dataclass(frozen=True)
class Whisker:
    """One driver: its weight (percent) with the interval, and whether it is clear of noise."""

    label: str
    value: float
    low: float
    high: float
    clear: bool
    href: str | None = None


def driver_chart(rows: Sequence[Whisker], *, title: str, width: int = 640) -> SafeString:
    """Horizontal bars of relative weights with their 95% interval as whiskers; a driver not
    clear of noise is drawn pale."""
    if not rows:
        return mark_safe(f'<p class="muted">{escape(title)}: nothing to rank yet.</p>')
    row_h, left, right = 30, 220, 40
    height = row_h * len(rows) + 24
    top = max(max(r.high for r in rows), max(r.value for r in rows), 1.0)
    scale = (width - left - right) / top

    def x(v: float) -> float:
        return left + v * scale

    marks = []
    for i, r in enumerate(rows):
        y = 8 + i * row_h
        fill = ACCENT if r.clear else "#a9c4e2"
        label = r.label if len(r.label) <= 34 else r.label[:33] + "…"
        marks.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            + _linked(
                r.href,
                f'<rect x="{left}" y="{y + 4}" width="{max(x(r.value) - left, 1):.1f}" '
                f'height="14" fill="{fill}"><title>{escape(r.label)}: {r.value:.1f}% '
                f"(95% interval {r.low:.1f} to {r.high:.1f}%)</title></rect>",
            )
            + f'<line x1="{x(r.low):.1f}" x2="{x(r.high):.1f}" y1="{y + 11}" y2="{y + 11}" '
            f'stroke="{INK}" stroke-width="1.5"/>'
            f'<line x1="{x(r.low):.1f}" x2="{x(r.low):.1f}" y1="{y + 6}" y2="{y + 16}" '
            f'stroke="{INK}"/><line x1="{x(r.high):.1f}" x2="{x(r.high):.1f}" y1="{y + 6}" '
            f'y2="{y + 16}" stroke="{INK}"/>'
            f'<text x="{x(r.high) + 6:.1f}" y="{y + 15}">{r.value:.1f}%</text>'
        )
    axis = f'<line x1="{left}" x2="{left}" y1="4" y2="{height - 16}" stroke="{LINE}"/>'
    return _doc(title, width, height, axis + "".join(marks))


def movement_chart(
    counts: Sequence[Sequence[int]],
    levels: Sequence[str],
    *,
    links: Sequence[Sequence[str | None]] | None = None,
    title: str = "Where each tier went",
    width: int = 640,
) -> SafeString:
    """One stacked bar per starting tier (rows of the transition matrix), split by the tier
    each customer ended in; each part links to those customers' comments."""
    if sum(sum(row) for row in counts) == 0:
        return mark_safe(f'<p class="muted">{escape(title)}: nobody answered in both periods.</p>')
    left, row_h = 150, 34
    height, span = row_h * len(levels) + 30, width - 150 - 10
    marks = []
    for i, start in enumerate(levels):
        y, total, x = 6 + i * row_h, sum(counts[i]), float(left)
        marks.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">'
            f"{escape(TIER_LABELS.get(start, start))} ({total})</text>"
        )
        for j, end in enumerate(levels):
            n = counts[i][j]
            if not n:
                continue
            w = span * n / total
            words = f"{TIER_LABELS.get(start, start)} → {TIER_LABELS.get(end, end)}: {n}"
            part = (
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="22" '
                f'fill="{TIER_COLORS.get(end, MUTED)}"><title>{escape(words)}</title></rect>'
            )
            if w >= 34:
                part += (
                    f'<text x="{x + w / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                    f'fill="#fff" font-weight="600">{100 * n / total:.0f}%</text>'
                )
            marks.append(_linked(links[i][j] if links else None, part))
            x += w
    key = "".join(
        f'<rect x="{left + k * 150}" y="{height - 18}" width="10" height="10" '
        f'fill="{TIER_COLORS.get(level, MUTED)}"/><text x="{left + k * 150 + 14}" '
        f'y="{height - 9}">now {escape(TIER_LABELS.get(level, level).lower())}</text>'
        for k, level in enumerate(levels)
    )
    return _doc(title, width, height, "".join(marks) + key)


def heat(share: float | None) -> str:
    """The class of a transition-matrix cell's background (insights/pages.css): `heat-0` to
    `heat-10`, the larger the row share, the darker. A class, not a style attribute: the
    Content-Security-Policy allows no inline style."""
    if share is None or share != share:  # None or NaN
        return "heat-none"
    return f"heat-{round(10 * min(max(share, 0.0), 1.0))}"
