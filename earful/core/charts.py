"""Server-rendered SVG charts: no JavaScript, no CDN, readable by screen readers via <title>."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    color: str = "#0b5cad"


def line_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    width: int = 640,
    height: int = 220,
    y_range: tuple[float, float] | None = None,
    label_every: int = 4,
    partial_last: bool = False,
) -> SafeString:
    """A line over labelled x positions; None leaves a gap. Zero line drawn when in range.
    `partial_last`: the last point is a period still running (this week so far): drawn hollow,
    joined by a dashed line and labelled "so far", so it does not read as a dip."""
    values = [v for _, v in points if v is not None]
    if not values:
        return mark_safe(f'<p class="muted">{escape(title)}: no data yet.</p>')
    low, high = y_range or (min([*values, 0.0]), max(values))
    if high == low:
        high = low + 1
    pad_l, pad, base = 40, 16, height - 28
    step = (width - pad_l - pad) / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return base - (base - pad) * (v - low) / (high - low)

    axis = [
        f'<text x="{pad_l - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>'
        f'<line x1="{pad_l}" x2="{width - pad}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e3e7ec"/>'
        for v in (low, (low + high) / 2, high)
    ]
    path: list[str] = []
    dots: list[str] = []
    labels: list[str] = []
    pen_up = True
    for i, (label, value) in enumerate(points):
        x = pad_l + i * step
        if i % label_every == 0:
            labels.append(
                f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle">{escape(label)}</text>'
            )
        if value is None:
            pen_up = True
            continue
        if partial_last and i == len(points) - 1:
            dots.append(_so_far(x, y(value), label, value, None if pen_up else path[-1][1:]))
            dots.append(f'<text x="{x:.1f}" y="{y(value) - 8:.1f}" text-anchor="end">so far</text>')
            break
        path.append(f"{'M' if pen_up else 'L'}{x:.1f},{y(value):.1f}")
        pen_up = False
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="3" fill="#0b5cad">'
            f"<title>{escape(label)}: {value:g}</title></circle>"
        )
    line = f'<path d="{" ".join(path)}" fill="none" stroke="#0b5cad" stroke-width="2"/>'
    return _svg(title, width, height, "".join(axis) + line + "".join(dots) + "".join(labels))


def _so_far(x: float, y: float, label: str, value: float, previous: str | None) -> str:
    """The running period's point: hollow, reached by a dashed line from the one before."""
    dashed = (
        f'<path d="M{previous}L{x:.1f},{y:.1f}" fill="none" stroke="#0b5cad" '
        'stroke-width="2" stroke-dasharray="4 3"/>'
        if previous
        else ""
    )
    return (
        f'{dashed}<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#fff" stroke="#0b5cad" '
        f'stroke-width="2"><title>{escape(label)} (this week so far): {value:g}</title></circle>'
    )


def stacked_share_bar(
    parts: Sequence[Bar], *, title: str, width: int = 640, height: int = 36
) -> SafeString:
    """One horizontal bar split by share, each part labelled with its percentage."""
    total = sum(p.value for p in parts)
    if total <= 0:
        return mark_safe(f'<p class="muted">{escape(title)}: no data yet.</p>')
    x, rects = 0.0, []
    for part in parts:
        w = width * part.value / total
        share = 100 * part.value / total
        rects.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{part.color}">'
            f"<title>{escape(part.label)}: {part.value:g} ({share:.0f}%)</title></rect>"
        )
        if share >= 8:
            rects.append(
                f'<text x="{x + w / 2:.1f}" y="{height / 2 + 4:.1f}" text-anchor="middle" '
                f'fill="#fff" font-weight="600">{share:.0f}%</text>'
            )
        x += w
    return _svg(title, width, height, "".join(rects))


def _svg(title: str, width: int, height: int, body: str) -> SafeString:
    return mark_safe(  # every interpolated label above is escaped
        f'<svg role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>'
    )
