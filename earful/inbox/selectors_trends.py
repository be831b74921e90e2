"""Request and ticket trends: weekly volume of feedback items by channel, source and theme, and
the request types (themes) whose volume rises or falls.

Weeks run Monday to Sunday in UTC (organizations have no time zone of their own), on the grid of
the insights trends (earful.insights.stats.weekly). The period is the `weeks` complete weeks
before the current one; the current week is counted ("this week so far") but never tested, as a
week still running would look like a fall.

The statistics are the insights engine's, unchanged (earful.insights.stats.trends): each weekly
series is split into its recent window (the last `recent` weeks) and the baseline (the weeks
before); the exact conditional Poisson test compares their weekly rates; Benjamini-Hochberg runs
across every tested series of one answer (the total, each channel, each source, each theme and
each theme within each channel); a series rises or falls when its q-value is at most the false
discovery rate (5%) and its weekly rate changed by at least 25%. Two descriptive rates come with
each series, not tested: week over week (the last complete week against the one before) and the
least-squares slope of the recent window's weekly counts (items a week, per week).

Items the theme engine placed in no theme are "new & emerging"; items it has not seen yet are
"not themed yet". Cost: one grouped query for the counts, one for the theme names, whatever the
number of items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from urllib.parse import urlencode

import numpy as np
from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.feedback.models import Channel, FeedbackItem
from earful.inbox.filters import EMERGING, ItemFilter, parse_filter
from earful.ingest.sources import all_sources
from earful.insights.models import Theme, ThemeStatus
from earful.insights.selectors_rows import to_datetime64
from earful.insights.selectors_themes import access_theme
from earful.insights.stats.trends import (
    BASELINE_WEEKS,
    FDR,
    MIN_COUNT,
    MIN_VOLUME_EFFECT,
    RECENT_WEEKS,
    WindowTest,
    find_trends,
    volume_test,
)
from earful.insights.stats.weekly import week_grid

ALL = "all"
UNTHEMED = "unthemed"  # the theme engine has not seen the item yet
DEFAULT_WEEKS = RECENT_WEEKS + BASELINE_WEEKS
MIN_WEEKS, MAX_WEEKS = 4, 52
INBOX_URL = "/inbox/"
CHANNEL_WORDS = {
    "ticket": "Support tickets",
    "review": "Reviews",
    "social": "Social posts",
    "survey": "Survey comments",
    "idea": "Ideas",
}
NO_SOURCE_WORDS = "Recorded in Earful"  # items with no import source: surveys, widget, ideas
THEME_WORDS = {EMERGING: "New & emerging", UNTHEMED: "Not themed yet"}


class TrendFilterInvalid(ValueError):
    """A filter the trends cannot use: which field, and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class TrendFilter:
    """Which items, over which weeks. Blank channel, source or theme: any."""

    channel: str = ""
    source: str = ""
    theme: str = ""  # a theme id, EMERGING or UNTHEMED
    weeks: int = DEFAULT_WEEKS  # complete weeks in the period
    recent: int = RECENT_WEEKS  # of which the last `recent` are the recent window
    until: date | None = None  # the period ends with the last week complete on this day

    @property
    def baseline(self) -> int:
        return self.weeks - self.recent


def default_recent(weeks: int) -> int:
    """The recent window: 4 weeks, or a third of a shorter period than 12 weeks."""
    return max(1, min(RECENT_WEEKS, weeks // 3))


def _int(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError as exc:
        raise TrendFilterInvalid(name, "must be a whole number") from exc
    if not low <= value <= high:
        raise TrendFilterInvalid(name, f"must be between {low} and {high}")
    return value


def parse_trend_filter(member: Member, params: Mapping[str, str]) -> TrendFilter:
    """The filter from a query string; TrendFilterInvalid names the bad field. A theme of
    another organization is a 404 (access_theme)."""
    channel = (params.get("channel") or "").strip()
    source = (params.get("source") or "").strip()
    wanted, errors = parse_filter({"channel": channel, "source": source})  # as the inbox reads them
    if errors:
        raise TrendFilterInvalid(*errors[0])
    theme = (params.get("theme") or "").strip()
    if theme and theme not in (EMERGING, UNTHEMED):
        if not theme.isdigit():
            raise TrendFilterInvalid("theme", f"a theme id, {EMERGING} or {UNTHEMED}")
        theme = str(access_theme(member, int(theme)).pk)
    weeks = _int(params, "weeks", DEFAULT_WEEKS, MIN_WEEKS, MAX_WEEKS)
    recent = _int(params, "recent_weeks", default_recent(weeks), 1, weeks - 1)
    until = None
    if (params.get("until") or "").strip():
        try:
            until = date.fromisoformat(params["until"].strip())
        except ValueError as exc:
            raise TrendFilterInvalid("until", "a date, YYYY-MM-DD") from exc
    return TrendFilter(wanted.channel, wanted.source, theme, weeks, recent, until)


# ---------------------------------------------------------------- the series


@dataclass(frozen=True)
class VolumeSeries:
    """Items a week in one group of the filtered items, tested recent window vs baseline."""

    dimension: str  # all, channel, source, theme
    key: str  # the channel, the source ("" none), the theme id / EMERGING / UNTHEMED, or ALL
    label: str
    channel: str  # the one channel this series is limited to; blank: every channel
    weekly: list[int]  # per complete week of the period, oldest first
    this_week: int  # the current week so far (not tested)
    test: WindowTest
    week_over_week: float | None  # last week / the week before - 1; None: none the week before
    slope: float | None  # least squares over the recent window, items a week per week
    q_value: float | None = None  # None: too few items to test
    direction: str | None = None  # rising, falling or None

    @property
    def total(self) -> int:
        return sum(self.weekly)

    @property
    def change(self) -> float | None:
        """The tested effect: recent weekly rate / baseline weekly rate - 1 (inf: none before)."""
        return self.test.effect


Key = tuple[str, str, str]  # (channel, source, theme key) of a group of items
Counts = Mapping[Key, np.ndarray]  # weekly counts, the current week last
_G = TypeVar("_G", str, tuple[str, str])


@dataclass(frozen=True)
class RequestTrends:
    filter: TrendFilter
    weeks: list[date]  # the Mondays of the complete weeks, oldest first
    current_week: date  # the Monday of the week still running
    until: datetime  # "this week so far" ends here (exclusive)
    fdr: float
    min_effect: float
    min_count: int
    series: list[VolumeSeries] = field(default_factory=list)

    @property
    def recent_weeks(self) -> int:
        return self.filter.recent

    @property
    def baseline_weeks(self) -> int:
        return self.filter.baseline

    @property
    def tested(self) -> int:
        return sum(1 for s in self.series if s.q_value is not None)

    def of(self, dimension: str, *, channel: str = "") -> list[VolumeSeries]:
        return [s for s in self.series if s.dimension == dimension and s.channel == channel]

    @property
    def total(self) -> VolumeSeries | None:
        """Every item of the filter; None when there is none in the period."""
        return next(iter(self.of(ALL)), None)

    @property
    def findings(self) -> list[VolumeSeries]:
        """Every rising or falling series, strongest evidence first."""
        found = [s for s in self.series if s.direction]
        return sorted(found, key=lambda s: (s.q_value or 0.0, -abs(s.change or 0.0)))

    @property
    def request_findings(self) -> list[VolumeSeries]:
        """The rising and falling request types: themes, per channel and across channels."""
        return [s for s in self.findings if s.dimension == "theme"]

    def window(self, which: str) -> tuple[date, date]:
        """(first day, last day) of the "recent" or "baseline" window, or the whole "period"."""
        first = {"baseline": 0, "recent": self.baseline_weeks, "period": 0}[which]
        count = {"baseline": self.baseline_weeks, "recent": self.recent_weeks}.get(
            which, len(self.weeks)
        )
        start = self.weeks[first]
        return start, start + timedelta(weeks=count, days=-1)

    def link(self, series: VolumeSeries, first: date, last: date) -> str | None:
        """The inbox filtered to exactly the series' items received from `first` to `last`."""
        return items_link(self.filter, series, first, last)


def items_link(f: TrendFilter, series: VolumeSeries, first: date, last: date) -> str | None:
    """The inbox URL listing exactly the items a series counts from `first` to `last` (both
    included, UTC), in the inbox's own filter (earful/inbox/filters.py); None where the inbox
    has no filter for the group: items with no import source, items not themed yet."""
    wanted = ItemFilter(
        channel=series.channel or f.channel, source=f.source, theme=f.theme, since=first, until=last
    )
    if series.dimension == "channel":
        wanted = wanted.but(channel=series.key)
    elif series.dimension == "source":
        wanted = wanted.but(source=series.key)
    elif series.dimension == "theme":
        wanted = wanted.but(theme=series.key)
    if (series.dimension == "source" and not series.key) or wanted.theme == UNTHEMED:
        return None
    return INBOX_URL + "?" + urlencode(wanted.params())


def request_trends(
    organization: Organization, f: TrendFilter, *, now: datetime | None = None
) -> RequestTrends:
    """Weekly volume of the organization's items matching `f` by channel, source and theme,
    each tested (see the module doc). Two queries."""
    now = now or timezone.now()
    until = now
    if f.until is not None:
        until = min(now, datetime.combine(f.until + timedelta(days=1), datetime.min.time(), UTC))
    grid = week_grid(to_datetime64([until])[0], f.weeks + 1)
    mondays = [d.item() for d in grid.astype("datetime64[D]")]
    counts = count_items(organization, f, mondays, until)
    labels = _labels(organization, {key[2] for key in counts})
    series = build_series(counts, recent=f.recent, theme_label=labels)
    return RequestTrends(
        f, mondays[:-1], mondays[-1], until, FDR, MIN_VOLUME_EFFECT, MIN_COUNT, series
    )


_THEME_KEY = Case(
    When(theme_link__isnull=True, then=Value(UNTHEMED)),
    When(theme_link__theme__isnull=True, then=Value(EMERGING)),
    default=Cast("theme_link__theme_id", CharField()),
    output_field=CharField(),
)


def theme_q(theme: str) -> Q:
    """The items of a theme key: a theme id, EMERGING or UNTHEMED."""
    if theme == UNTHEMED:
        return Q(theme_link__isnull=True)
    if theme == EMERGING:
        return Q(theme_link__isnull=False, theme_link__theme__isnull=True)
    return Q(theme_link__theme_id=int(theme))


def count_items(
    organization: Organization, f: TrendFilter, mondays: list[date], until: datetime
) -> dict[Key, np.ndarray]:
    """Items matching `f` per (channel, source, theme key), per week of `mondays` (the last
    one is the current week, up to `until`). One grouped query; each week is a conditional
    count between two UTC instants, so a week boundary is exact on every database."""
    bounds = [datetime.combine(day, datetime.min.time(), UTC) for day in mondays] + [until]
    query = FeedbackItem.objects.filter(
        organization=organization, received_at__gte=bounds[0], received_at__lt=until
    )
    if f.channel:
        query = query.filter(channel=f.channel)
    if f.source:
        query = query.filter(source=f.source)
    if f.theme:
        query = query.filter(theme_q(f.theme))
    weeks = {
        f"week_{i}": Count(
            "id", filter=Q(received_at__gte=bounds[i], received_at__lt=bounds[i + 1])
        )
        for i in range(len(mondays))
    }
    rows = (
        query.annotate(theme_key=_THEME_KEY)
        .values_list("channel", "source", "theme_key")
        .annotate(**weeks)
        .order_by()
    )
    return {
        (channel, source, theme): np.array(counts, dtype=np.int64)
        for channel, source, theme, *counts in rows
    }


def _labels(organization: Organization, keys: set[str]) -> Callable[[str], str]:
    ids = [int(k) for k in keys if k.isdigit()]
    themes = Theme.objects.filter(organization=organization, pk__in=ids)
    names = {
        str(t.pk): t.name if t.status == ThemeStatus.ACTIVE else f"{t.name} ({t.status})"
        for t in themes.only("id", "label", "user_label", "status")
    } if ids else {}  # fmt: skip
    return lambda key: THEME_WORDS.get(key) or names.get(key, f"Theme {key}")


def source_label(name: str) -> str:
    if not name:
        return NO_SOURCE_WORDS
    source = all_sources().get(name)
    return source.label if source else name


def _sum_by(counts: Counts, part: Callable[[Key], _G]) -> dict[_G, np.ndarray]:
    out: dict[_G, np.ndarray] = {}
    for key, weekly in counts.items():
        group = part(key)
        out[group] = out[group] + weekly if group in out else weekly.copy()
    return out


def _by_volume(sums: Mapping[_G, np.ndarray]) -> list[_G]:
    """Groups, the most items in the period first (the current week left out)."""
    return sorted(sums, key=lambda g: (-int(sums[g][:-1].sum()), str(g)))


def _groups(counts: Counts) -> Iterator[tuple[str, str, str, np.ndarray]]:
    """(dimension, key, channel limit, weekly counts) of every series, in display order."""
    yield ALL, ALL, "", np.sum(list(counts.values()), axis=0)
    by_channel = _sum_by(counts, lambda k: k[0])
    channels = [c for c in Channel.values if c in by_channel]
    for channel in channels:
        yield "channel", channel, "", by_channel[channel]
    by_source = _sum_by(counts, lambda k: k[1])
    for source in _by_volume(by_source):
        yield "source", source, "", by_source[source]
    by_theme = _sum_by(counts, lambda k: k[2])
    themes = _by_volume(by_theme)
    for theme in themes:
        yield "theme", theme, "", by_theme[theme]
    if len(channels) > 1:  # with one channel, a theme in it is the theme itself
        both = _sum_by(counts, lambda k: (k[0], k[2]))
        for channel in channels:
            for theme in themes:
                if (channel, theme) in both:
                    yield "theme", theme, channel, both[(channel, theme)]


def build_series(
    counts: Counts, *, recent: int, theme_label: Callable[[str], str], fdr: float = FDR
) -> list[VolumeSeries]:
    """Every series of `counts` (see `_groups`) with its window test and, Benjamini-Hochberg
    across all of them, its q-value and direction. Pure: no database."""
    if not counts:
        return []
    raw = list(_groups(counts))
    weeks = len(raw[0][3]) - 1
    tests = {
        i: volume_test(weekly[:-1], recent=recent, baseline=weeks - recent)
        for i, (_, _, _, weekly) in enumerate(raw)
    }
    findings, q_values = find_trends(tests, fdr=fdr)
    direction = {f.key: f.direction for f in findings}
    words = {ALL: lambda k: "All items", "channel": _channel_label, "source": source_label}
    return [
        VolumeSeries(
            dimension, key, words.get(dimension, theme_label)(key), channel,
            [int(n) for n in weekly[:-1]], int(weekly[-1]), tests[i],
            _week_over_week(weekly[:-1]), _slope(weekly[:-1][-recent:]),
            q_values.get(i), direction.get(i),
        )
        for i, (dimension, key, channel, weekly) in enumerate(raw)
    ]  # fmt: skip


def _channel_label(channel: str) -> str:
    return CHANNEL_WORDS.get(channel, channel)


def _week_over_week(weekly: np.ndarray) -> float | None:
    if len(weekly) < 2 or weekly[-2] == 0:
        return None
    return float(weekly[-1] / weekly[-2] - 1)


def _slope(weekly: np.ndarray) -> float | None:
    """The least-squares slope of the counts against the week number (items a week, per
    week); None for a window of one week."""
    if len(weekly) < 2:
        return None
    x = np.arange(len(weekly), dtype=float)
    x -= x.mean()
    return float((x * weekly).sum() / (x * x).sum())


def source_choices(trends: RequestTrends) -> list[tuple[str, str]]:
    """(name, label) of every source Earful can import and of every source in the period."""
    names = set(all_sources()) | {s.key for s in trends.of("source") if s.key}
    if trends.filter.source:
        names.add(trends.filter.source)
    return sorted(((n, source_label(n)) for n in names), key=lambda p: p[1].lower())


def method_words(trends: RequestTrends) -> str:
    """The test and its false-alarm control, in a sentence (the page and the API say it)."""
    return (
        f"Exact conditional Poisson test of the weekly rate in the last {trends.recent_weeks} "
        f"week{'s' if trends.recent_weeks != 1 else ''} against the {trends.baseline_weeks} "
        f"before; Benjamini-Hochberg across the {trends.tested} series tested together, false "
        f"discovery rate {trends.fdr:.0%}; reported when the rate changed by "
        f"{trends.min_effect:.0%} or more. A series with fewer than {trends.min_count} items in "
        "both windows is not tested."
    )
