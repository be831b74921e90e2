"""Weekly trends per survey, channel, segment and theme, the rising and falling ones, and what
changed in a survey's score between two periods.

Methods and assumptions: earful.insights.stats.trends (Welch / exact Poisson tests, then
Benjamini-Hochberg) and earful.insights.stats.decomposition (shift-share). Constant queries:
one for the responses, one for feedback items (themes, feedback channels) when needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.utils import timezone

from earful.accounts.models import Organization
from earful.feedback.models import FeedbackItem
from earful.insights.selectors_rows import (
    NO_SEGMENT,
    SEGMENT_ATTRIBUTES,
    ItemThemes,
    Period,
    Rows,
    load_rows,
    themes_by_response,
    to_datetime64,
)
from earful.insights.stats import trends as tests
from earful.insights.stats.decomposition import (
    Decomposition,
    decompose,
    describe_change,
    group_scores,
    named_contributions,
)
from earful.insights.stats.tiers import DISSATISFIED, HIGHLY_SATISFIED
from earful.insights.stats.weekly import (
    Weekly,
    headline_values,
    share_values,
    week_grid,
    weekly_counts,
)
from earful.surveys.models import Survey
from earful.surveys.trust import suppress

AVERAGES = frozenset({"ces", "rating"})  # scores that are averages, not percentages
SENTENCE = {  # how a change of each score reads: label, unit, decimals
    "nps": ("NPS", " points", 1),
    "csat": ("CSAT", " points", 1),
    "ces": ("CES", "", 2),
    "rating": ("Average rating", "", 2),
}
BREAKDOWNS = ("channel", "account", *SEGMENT_ATTRIBUTES)


@dataclass(frozen=True)
class Series:
    dimension: str  # all, survey, channel, account, plan, region, theme, feedback_channel
    group: str
    metric: str  # score, highly_satisfied, dissatisfied (shares, %), volume
    kind: str  # the score's kind (nps, csat, ces, rating), "share" or "count"
    weekly: list[float | None]  # per week; None: too few answers that week (or hidden)
    test: tests.WindowTest
    q_value: float | None = None  # None: not tested (too little data)
    direction: str | None = None  # "rising", "falling" or None


@dataclass(frozen=True)
class Change:
    period_a: Period
    period_b: Period
    kind: str
    score_a: float
    score_b: float
    sentence: str
    decompositions: list[Decomposition]


@dataclass(frozen=True)
class Trends:
    weeks: list[date]
    recent_weeks: int
    baseline_weeks: int
    fdr: float
    series: list[Series]
    change: Change | None  # what changed in the survey's score, recent vs baseline


@dataclass(frozen=True)
class _Group:
    dimension: str
    name: str
    mask: np.ndarray
    kind: str | None  # the score kind, when every response shares one
    hide_small: bool  # a trustee group: weekly counts of 1-4 are hidden


def _groups(rows: Rows, themes: list[tuple[str, ...]] | None) -> Iterator[_Group]:
    kinds = set(rows.kinds.tolist())
    single = kinds.pop() if len(kinds) == 1 else None
    if len(rows) == 0:
        return
    everyone = np.ones(len(rows), dtype=bool)
    yield _Group("all", "All responses", everyone, single, bool(rows.trustee.any()))
    for survey_id in np.unique(rows.surveys):
        mask = rows.surveys == survey_id
        first = np.flatnonzero(mask)[0]
        yield _Group(
            "survey", str(rows.titles[first]), mask, rows.kinds[first], bool(rows.trustee[first])
        )
    open_rows = ~rows.trustee  # trustee responses are never broken down
    for dimension in BREAKDOWNS:
        labels = rows.channels if dimension == "channel" else rows.segments[dimension]
        for name in sorted(set(labels[open_rows].tolist())):
            yield _Group(dimension, name, open_rows & (labels == name), single, False)
    for name in sorted({t for labels in themes or [] for t in labels}):
        mask = open_rows & np.array([name in labels for labels in themes or []], dtype=bool)
        yield _Group("theme", name, mask, single, False)


def _rounded(values: np.ndarray) -> list[float | None]:
    return [None if np.isnan(v) else round(float(v), 2) for v in values]


@dataclass(frozen=True)
class _Raw:
    group: _Group
    metric: str
    kind: str
    weekly: list[float | None]
    test: tests.WindowTest


def _group_series(
    rows: Rows, group: _Group, grid: np.ndarray, windows: dict, share: float
) -> Iterator[_Raw]:
    times = rows.times[group.mask]
    metrics = [(HIGHLY_SATISFIED, "share"), (DISSATISFIED, "share")]
    if group.kind:
        metrics.insert(0, ("score", group.kind))
    for metric, kind in metrics:
        values = (
            headline_values(kind, rows.scores[group.mask], rows.tiers[group.mask])
            if metric == "score"
            else share_values(rows.tiers[group.mask], metric)
        )
        weekly = Weekly.of(times, values, grid)
        yield _Raw(
            group, metric, kind, _rounded(weekly.means()), tests.score_test(weekly, **windows)
        )
    counts = weekly_counts(times, grid)
    shown = [suppress(int(c), trustee=group.hide_small) for c in counts]
    weekly_shown = [None if c is None else float(c) for c in shown]
    volume = tests.volume_test(counts, **windows, last_week_share=share)
    yield _Raw(group, "volume", "count", weekly_shown, volume)


def _hidden(group: _Group, test: tests.WindowTest) -> bool:
    """A trustee group whose window counts would show 1-4 respondents is left out."""
    small = [n for n in (test.n_recent, test.n_baseline) if 0 < n < 5]
    return group.hide_small and bool(small)


def _feedback_series(
    organization: Organization, grid: np.ndarray, start: datetime, item_themes: ItemThemes | None
) -> Iterator[tuple[str, str, np.ndarray]]:
    """Weekly volumes of feedback items per channel (surveys, tickets, reviews ...) and per
    theme, whatever the channel. One query."""
    items = list(
        FeedbackItem.objects.filter(organization=organization, received_at__gte=start).values_list(
            "id", "channel", "received_at"
        )
    )
    times = to_datetime64([item[2] for item in items])
    channels = np.array([item[1] for item in items], dtype=object)
    for channel in sorted(set(channels.tolist())):
        yield "feedback_channel", channel, weekly_counts(times[channels == channel], grid)
    by_theme: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        for theme in (item_themes or {}).get(item[0], ()):
            by_theme.setdefault(theme, []).append(i)
    for theme, picks in sorted(by_theme.items()):
        yield "feedback_theme", theme, weekly_counts(times[picks], grid)


def _aware(moment: np.datetime64) -> datetime:
    return datetime.fromtimestamp(int(moment.astype("datetime64[s]").astype(np.int64)), tz=UTC)


def score_trends(
    organization: Organization,
    *,
    survey: Survey | None = None,
    item_themes: ItemThemes | None = None,
    now: datetime | None = None,
    recent: int = tests.RECENT_WEEKS,
    baseline: int = tests.BASELINE_WEEKS,
    fdr: float = tests.FDR,
) -> Trends:
    """Weekly score, tier shares and volume of every survey, channel, segment and theme over
    the last `recent` + `baseline` weeks, each tested recent vs baseline, BH across all."""
    now = now or timezone.now()
    grid = week_grid(to_datetime64([now])[0], recent + baseline)
    start, cut, end = _aware(grid[0]), _aware(grid[baseline]), _aware(grid[-1]) + timedelta(weeks=1)
    rows = load_rows(organization, start=start, end=end, survey=survey)
    themes = (
        themes_by_response(organization, rows.uids, item_themes, since=start)
        if item_themes
        else None
    )
    windows = {"recent": recent, "baseline": baseline}
    share = (now - _aware(grid[-1])) / timedelta(weeks=1)  # of the week still running
    raw = [
        r
        for group in _groups(rows, themes)
        for r in _group_series(rows, group, grid, windows, share)
        if not _hidden(group, r.test)
    ]
    if survey is None:
        raw += _feedback_raw(organization, grid, start, item_themes, windows, share)
    series = _tested(raw, fdr)
    change = None
    if survey is not None:
        change = _change(rows, themes, Period(start, cut), Period(cut, end), survey.score_kind)
    weeks = [d.item() for d in grid.astype("datetime64[D]")]
    return Trends(weeks, recent, baseline, fdr, series, change)


def _feedback_raw(
    organization: Organization,
    grid: np.ndarray,
    start: datetime,
    item_themes: ItemThemes | None,
    windows: dict,
    share: float,
) -> list[_Raw]:
    return [
        _Raw(
            _Group(dimension, name, np.zeros(0, dtype=bool), None, False),
            "volume",
            "count",
            [float(c) for c in counts],
            tests.volume_test(counts, **windows, last_week_share=share),
        )
        for dimension, name, counts in _feedback_series(organization, grid, start, item_themes)
    ]


def _tested(raw: list[_Raw], fdr: float) -> list[Series]:
    """Benjamini-Hochberg across every series; averages get their own minimum effect."""
    min_effects = {
        i: tests.MIN_AVERAGE_EFFECT
        for i, r in enumerate(raw)
        if r.metric == "score" and r.kind in AVERAGES
    }
    findings, q_values = tests.find_trends(
        {i: r.test for i, r in enumerate(raw)}, fdr=fdr, min_effects=min_effects
    )
    direction = {f.key: f.direction for f in findings}
    return [
        Series(
            r.group.dimension,
            r.group.name,
            r.metric,
            r.kind,
            r.weekly,
            r.test,
            q_values.get(i),
            direction.get(i),
        )
        for i, r in enumerate(raw)
    ]


def _change(
    rows: Rows, themes: list[tuple[str, ...]] | None, a: Period, b: Period, kind: str
) -> Change | None:
    """What changed in the score from period a to b, split by theme and by segment."""
    bounds = to_datetime64([a.start, a.end, b.start, b.end])
    in_a = (rows.times >= bounds[0]) & (rows.times < bounds[1])
    in_b = (rows.times >= bounds[2]) & (rows.times < bounds[3])
    if not in_a.any() or not in_b.any() or kind not in SENTENCE:
        return None
    values = headline_values(kind, rows.scores, rows.tiers)
    splits = [
        decompose(
            group_scores(values[in_a], [labels[i] for i in np.flatnonzero(in_a)]),
            group_scores(values[in_b], [labels[i] for i in np.flatnonzero(in_b)]),
            dimension=dimension,
        )
        for dimension, labels in _dimensions(rows, themes)
    ]
    label, unit, decimals = SENTENCE[kind]
    overall = Decomposition("survey", float(values[in_a].mean()), float(values[in_b].mean()), ())
    said = _said(splits) or [overall]
    sentence = describe_change(
        said, label=label, unit=unit, decimals=decimals, min_responses=tests.MIN_N,
        phrase=_phrase,
    )  # fmt: skip
    return Change(a, b, kind, overall.score_a, overall.score_b, sentence, splits)


def _dimensions(rows: Rows, themes: list[tuple[str, ...]] | None) -> list[tuple[str, list]]:
    """Labels per response for each breakdown; none for a trustee survey."""
    if rows.trustee.any():
        return []
    dimensions: list[tuple[str, list]] = [("theme", themes)] if themes is not None else []
    for key in (*SEGMENT_ATTRIBUTES, "account"):  # on a tie, the first one is named
        dimensions.append((key, [(v,) for v in rows.segments[key]]))
    dimensions.append(("channel", [(c,) for c in rows.channels]))
    return dimensions


def _said(splits: list[Decomposition]) -> list[Decomposition]:
    """What the sentence names: the themes, and the one other dimension (two groups or more)
    with a group that accounts for the change far beyond its size: the largest excess of its
    part of the change over its share of the responses."""
    themes = [d for d in splits if d.dimension == "theme"]
    best, best_excess = None, 0.0
    for split in splits:
        if split.dimension == "theme" or len(split.contributions) < 2:
            continue
        for c in named_contributions(split, tests.MIN_N)[:1]:
            excess = c.total / split.change - (c.share_a + c.share_b) / 2
            if excess > best_excess:
                best, best_excess = split, excess
    return [*themes, best] if best is not None else themes


_MISSING = {
    "theme": "responses with no theme",
    "account": "customers without an account",
    "channel": "an unknown channel",
}


def _phrase(dimension: str, group: str) -> str:
    """A group in plain words: "Delivery", "the Enterprise plan", "customers in Europe"."""
    if group == NO_SEGMENT:
        return _MISSING.get(dimension, f"customers with no {dimension}")
    if dimension == "theme":
        return group
    if dimension == "region":
        return f"customers in {group}"
    return f"the {group} {dimension}"
