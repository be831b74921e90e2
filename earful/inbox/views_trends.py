"""/inbox/trends/: request and ticket trends, and a small card for a dashboard (htmx).

Thin: parse the filter, call the selector (selectors_trends.request_trends), draw, render. Every
number links to the inbox filtered to exactly the items it counts (RequestTrends.link). The
weekly stacked chart is drawn here; sparklines and the share bar are the shared helpers
(earful/insights/charts.py, earful/core/charts.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe

from earful.accounts.access import member_required
from earful.accounts.models import Member
from earful.accounts.roles import Permission
from earful.core.charts import Bar, stacked_share_bar
from earful.feedback.models import Channel
from earful.inbox.selectors_trends import (
    CHANNEL_WORDS,
    EMERGING,
    INBOX_URL,
    NO_SOURCE_WORDS,
    UNTHEMED,
    RequestTrends,
    TrendFilter,
    TrendFilterInvalid,
    VolumeSeries,
    method_words,
    parse_trend_filter,
    request_trends,
    source_choices,
)
from earful.insights.charts import sparkline

TOP_THEMES = 6  # themes drawn on their own in the chart; the rest is "Other themes"
WEEK_CHOICES = (4, 8, 12, 26, 52)
COLORS = ("#0b5cad", "#17753a", "#8a6100", "#b3261e", "#5b3fa0", "#0f7b8a", "#a14d8c")
KEYS_PER_LINE = 3  # the chart's key: groups per line
PALE = {"other": "#b8c1cc", EMERGING: "#e0a526", UNTHEMED: "#dfe3e8"}


def _member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


def _filter(request: HttpRequest) -> tuple[TrendFilter, str]:
    """The filter asked for, or the default one with the reason the asked one is refused."""
    try:
        return parse_trend_filter(_member(request), request.GET), ""
    except TrendFilterInvalid as exc:
        return TrendFilter(), f"Filter not applied, {exc.field}: {exc.message}."


@member_required(Permission.VIEW_DASHBOARDS)
def trends_page(request: HttpRequest) -> HttpResponse:
    """Items a week by theme and channel, the rising and falling request types."""
    f, error = _filter(request)
    found = request_trends(_member(request).organization, f)
    context = {"f": f, "error": error} | _page(found)
    return render(request, "inbox/trends.html", context)


def _page(found: RequestTrends) -> dict[str, Any]:
    total = found.total
    return {
        "found": found,
        "inbox_url": INBOX_URL,
        "no_source": NO_SOURCE_WORDS,
        "top_themes": TOP_THEMES,
        "channels": [(c, CHANNEL_WORDS[c]) for c in Channel.values],
        "sources": source_choices(found),
        "week_choices": sorted({*WEEK_CHOICES, found.filter.weeks}),
        "period": found.window("period"),
        "recent": found.window("recent"),
        "baseline": found.window("baseline"),
        "recent_link": total and found.link(total, *found.window("recent")),
        "baseline_link": total and found.link(total, *found.window("baseline")),
        "this_week_link": _this_week_link(found, total),
        "method": method_words(found),
        "findings": [Row.of(found, s) for s in found.request_findings],
        "themes": [Row.of(found, s) for s in found.of("theme")],
        "by_channel": [Row.of(found, s) for s in found.of("channel")],
        "by_source": [Row.of(found, s) for s in found.of("source")],
        "total": Row.of(found, total) if total else None,
        "theme_chart": theme_chart(found),
        "channel_chart": channel_chart(found),
        "channel_share": _channel_share(found),
    }


@member_required(Permission.VIEW_DASHBOARDS)
def trends_card(request: HttpRequest) -> HttpResponse:
    """A small card of the rising and falling request types, for a dashboard to load with
    hx-get (default filter: every channel, the last 12 weeks)."""
    found = request_trends(_member(request).organization, TrendFilter())
    rows = [Row.of(found, s) for s in found.request_findings[:5]]
    return render(request, "inbox/trends_card.html", {"found": found, "rows": rows})


def _this_week_link(found: RequestTrends, total: VolumeSeries | None) -> str | None:
    if total is None or not total.this_week:
        return None
    last_day = (found.until - timedelta(microseconds=1)).date()
    return found.link(total, found.current_week, last_day)


# ---------------------------------------------------------------- rows, in words


def percent_words(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "new" if math.isinf(value) else f"{value:+.0%}"


@dataclass(frozen=True)
class Row:
    """A series as a table row: its sparkline, its rate of change and the links behind them."""

    series: VolumeSeries
    where: str  # the channel it counts, in words
    spark: SafeString
    period_link: str | None
    recent_link: str | None
    baseline_link: str | None
    last_week_link: str | None

    @classmethod
    def of(cls, found: RequestTrends, s: VolumeSeries) -> Row:
        last = found.weeks[-1]
        title = f"{s.label}: items a week"
        channel = s.channel or found.filter.channel
        return cls(
            s,
            CHANNEL_WORDS.get(channel, "Every channel"),
            sparkline([float(n) for n in s.weekly], title=title),
            found.link(s, *found.window("period")),
            found.link(s, *found.window("recent")),
            found.link(s, *found.window("baseline")),
            found.link(s, last, _sunday(last)),
        )

    @property
    def change(self) -> str:
        return percent_words(self.series.change)

    @property
    def week_over_week(self) -> str:
        return percent_words(self.series.week_over_week)

    @property
    def slope(self) -> str:
        slope = self.series.slope
        return "n/a" if slope is None else f"{slope:+.1f}/week"

    @property
    def last_week(self) -> int:
        return self.series.weekly[-1]


def _sunday(monday: date) -> date:
    return date.fromordinal(monday.toordinal() + 6)


# ---------------------------------------------------------------- charts


@dataclass(frozen=True)
class Stack:
    """One colour of a stacked chart: a group's count per week, each linked to its items."""

    label: str
    color: str
    values: list[int]
    links: list[str | None]


def _stack(found: RequestTrends, s: VolumeSeries, color: str) -> Stack:
    links = [found.link(s, w, _sunday(w)) for w in found.weeks]
    return Stack(s.label, color, s.weekly, links)


def theme_chart(found: RequestTrends) -> SafeString:
    """Items a week by theme: the largest themes, the others together, then new & emerging
    and not themed yet."""
    themes = found.of("theme")
    named = [s for s in themes if s.key not in PALE]
    stacks = [_stack(found, s, COLORS[i]) for i, s in enumerate(named[:TOP_THEMES])]
    rest = named[TOP_THEMES:]
    if rest:
        summed = [sum(week) for week in zip(*(s.weekly for s in rest), strict=True)]
        label = f"Other themes ({len(rest)})"
        stacks.append(Stack(label, PALE["other"], summed, [None] * len(summed)))
    stacks += [_stack(found, s, PALE[s.key]) for s in themes if s.key in (EMERGING, UNTHEMED)]
    return stacked_weeks(found.weeks, stacks, title="Items a week by theme")


def channel_chart(found: RequestTrends) -> SafeString:
    stacks = [_stack(found, s, COLORS[i]) for i, s in enumerate(found.of("channel"))]
    return stacked_weeks(found.weeks, stacks, title="Items a week by channel")


def _channel_share(found: RequestTrends) -> SafeString:
    parts = [Bar(s.label, s.total, COLORS[i]) for i, s in enumerate(found.of("channel"))]
    return stacked_share_bar(parts, title="Share of the period's items by channel")


def stacked_weeks(
    weeks: Sequence[date], stacks: Sequence[Stack], *, title: str, width: int = 640
) -> SafeString:
    """One bar a week, stacked by group, each part linked to its items; a key below."""
    totals = [sum(s.values[i] for s in stacks) for i in range(len(weeks))]
    if not stacks or max(totals, default=0) == 0:
        return mark_safe(f'<p class="muted">{escape(title)}: no items in these weeks.</p>')
    left, pad, base = 36, 8, 170
    height = base + 24 + 18 * math.ceil(len(stacks) / KEYS_PER_LINE)
    high, step = max(totals), (width - left - pad) / len(weeks)
    marks = [
        f'<text x="{left - 6}" y="{base - (base - pad) * v / high + 4:.1f}" '
        f'text-anchor="end">{v:g}</text>'
        f'<line x1="{left}" x2="{width - pad}" y1="{base - (base - pad) * v / high:.1f}" '
        f'y2="{base - (base - pad) * v / high:.1f}" stroke="#e3e7ec"/>'
        for v in sorted({0, round(high / 2), high})
    ]
    for i, week in enumerate(weeks):
        x, y = left + i * step, float(base)
        for s in stacks:
            n = s.values[i]
            if not n:
                continue
            h = (base - pad) * n / high
            y -= h
            rect = (
                f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{step - 4:.1f}" height="{h:.1f}" '
                f'fill="{s.color}"><title>{escape(s.label)}, week of {week:%d %b}: {n}</title>'
                "</rect>"
            )
            link = s.links[i]
            marks.append(f'<a href="{escape(link)}">{rect}</a>' if link else rect)
        if i % max(1, len(weeks) // 12) == 0:
            marks.append(
                f'<text x="{x + step / 2:.1f}" y="{base + 14}" text-anchor="middle">'
                f"{week:%d %b}</text>"
            )
    marks += _key(stacks, base + 30, (width - left) // KEYS_PER_LINE, left)
    return _svg(title, width, height, "".join(marks))


def _key(stacks: Sequence[Stack], top: int, column: int, left: int) -> list[str]:
    out = []
    for i, s in enumerate(stacks):
        x, y = left + (i % KEYS_PER_LINE) * column, top + 18 * (i // KEYS_PER_LINE)
        label = s.label if len(s.label) <= 28 else s.label[:27] + "…"
        out.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{s.color}"/>'
            f'<text x="{x + 14}" y="{y}">{escape(label)} ({sum(s.values)})</text>'
        )
    return out


def _svg(title: str, width: int, height: int, body: str) -> SafeString:
    return mark_safe(  # every interpolated label above is escaped
        f'<svg role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>'
    )
