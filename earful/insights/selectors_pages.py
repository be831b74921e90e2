"""Reads behind the insights pages: overview, themes, theme detail, drivers, tier movement.

Each page costs a constant number of queries whatever the number of answers and comments: the
counts are grouped in the database, the statistics run in numpy (selectors_trends,
selectors_drivers, selectors_movement). Every number carries the CommentFilter of the comments
behind it (selectors_comments), so the templates only link.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.http import Http404

from earful.accounts.models import Member, Organization
from earful.feedback.models import FeedbackItem
from earful.insights.models import ItemTheme, Theme, ThemeStatus
from earful.insights.selectors_comments import CommentFilter
from earful.insights.selectors_drivers import DriverLabel, SurveyDrivers, survey_drivers
from earful.insights.selectors_rows import NO_SEGMENT, ItemThemes, Period, to_datetime64
from earful.insights.selectors_trends import Series, Trends
from earful.insights.stats.decomposition import named_contributions
from earful.insights.stats.drivers import RANKED, Driver
from earful.insights.stats.trends import BASELINE_WEEKS, MIN_N, RECENT_WEEKS
from earful.insights.stats.weekly import week_grid
from earful.surveys.models import Survey
from earful.surveys.selectors import access_survey
from earful.surveys.trust import suppress

# ---------------------------------------------------------------- surveys


def survey_choices(organization: Organization) -> list[Survey]:
    """Surveys with a headline score, the main one first: NPS surveys before the others, then
    the one with most scored answers. One query; each carries `scored`."""
    surveys = list(
        Survey.objects.filter(organization=organization)
        .exclude(score_kind="")
        .annotate(scored=Count("responses", filter=~Q(responses__tier="")))
        .order_by("id")
    )
    return sorted(surveys, key=lambda s: (s.score_kind != "nps", -s.scored, s.pk))  # type: ignore[attr-defined]


def chosen_survey(member: Member, survey_id: str | None) -> tuple[Survey | None, list[Survey]]:
    """The survey a page asks for (404 outside the member's organization), else the main one;
    None when the organization has no scored survey yet. And the choices, for the selector."""
    choices = survey_choices(member.organization)
    if not survey_id:
        return (choices[0] if choices else None), choices
    try:
        return access_survey(member, int(survey_id)), choices
    except ValueError as exc:
        raise Http404 from exc


# ---------------------------------------------------------------- themes


def theme_names(organization: Organization) -> dict[int, tuple[str, ...]]:
    """Feedback item id -> the names of its active themes, for the trends, "what changed" and
    drivers selectors (their ItemThemes mapping). Two queries: the themes' names, then plain
    (item, theme) id pairs, so no row is converted twice."""
    names = {t.pk: (t.name,) for t in Theme.objects.active().filter(organization=organization)}
    pairs = ItemTheme.objects.filter(
        organization=organization, theme__status=ThemeStatus.ACTIVE
    ).values_list("item_id", "theme_id")
    return {item: names[theme] for item, theme in pairs if theme in names}


def theme_ids(organization: Organization) -> dict[str, int]:
    """Active theme name -> id (the trends speak names, links need ids). One query."""
    rows = Theme.objects.active().filter(organization=organization).order_by("-id")
    return {t.name: t.pk for t in rows.only("id", "label", "user_label")}


@dataclass(frozen=True)
class ThemeRow:
    theme: Theme
    volume: int  # items in the theme, all time
    sentiments: dict[str, int]  # analyzed items per sentiment
    hesitant: int
    trend: Series | None  # weekly mentions (all channels) over the trends' weeks, tested

    @property
    def analyzed(self) -> int:
        return sum(self.sentiments.values())

    def share(self, sentiment: str) -> int | None:
        """Percent of the analyzed items with this sentiment; None before any analysis."""
        n = self.analyzed
        return round(100 * self.sentiments.get(sentiment, 0) / n) if n else None

    @property
    def negative(self) -> int | None:
        return self.share("negative")

    @property
    def positive(self) -> int | None:
        return self.share("positive")

    @property
    def link(self) -> CommentFilter:
        return CommentFilter(theme=str(self.theme.pk))


def theme_rows(
    organization: Organization, trends: Trends | None, *, theme: Theme | None = None
) -> list[ThemeRow]:
    """Every active theme (or just `theme`) with its volume, sentiment mix, hesitant count and
    weekly trend, largest first. Two queries."""
    themes = Theme.objects.filter(organization=organization)
    themes = themes.filter(pk=theme.pk) if theme else themes.active()
    counts: dict[int, dict[str, int]] = {}
    hesitant: dict[int, int] = {}
    grouped = (
        ItemTheme.objects.filter(theme__in=themes)
        .values_list("theme_id", "item__sentiment")
        .annotate(n=Count("id"), h=Count("id", filter=Q(item__hesitant=True)))
        .order_by()
    )
    for theme_id, sentiment, n, h in grouped:
        counts.setdefault(theme_id, {})[sentiment or ""] = n
        hesitant[theme_id] = hesitant.get(theme_id, 0) + h
    trend = {s.group: s for s in trends.series if s.dimension == "feedback_theme"} if trends else {}
    rows = [
        ThemeRow(
            t,
            sum(counts.get(t.pk, {}).values()),
            {k: v for k, v in counts.get(t.pk, {}).items() if k},
            hesitant.get(t.pk, 0),
            trend.get(t.name),
        )
        for t in themes
    ]
    return sorted(rows, key=lambda r: (-r.volume, r.theme.name))


def weeks_until(now: datetime, weeks: int = RECENT_WEEKS + BASELINE_WEEKS) -> list[date]:
    """The Mondays (UTC) of the `weeks` weeks up to the one holding `now`, as the trends."""
    grid = week_grid(to_datetime64([now])[0], weeks)
    return [d.item() for d in grid.astype("datetime64[D]")]


def theme_weekly(theme: Theme, weeks: list[date]) -> list[float | None]:
    """The theme's comments (every channel) per week of `weeks`. One grouped query."""
    start = datetime(weeks[0].year, weeks[0].month, weeks[0].day, tzinfo=UTC)
    rows = (
        ItemTheme.objects.filter(theme=theme, item__received_at__gte=start)
        .annotate(week=TruncWeek("item__received_at", tzinfo=UTC))
        .values_list("week")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {week.date(): n for week, n in rows}
    return [float(counts.get(week, 0)) for week in weeks]


def theme_examples(theme: Theme, *, limit: int = 5) -> list[FeedbackItem]:
    """The theme's most typical items, in the order discovery ranked them. One query."""
    wanted = [int(i) for i in theme.examples[:limit]]
    from earful.insights.selectors_comments import without_held_back

    found = without_held_back(
        FeedbackItem.objects.filter(organization_id=theme.organization_id, pk__in=wanted),
        theme.organization_id,
    )
    by_id = {item.pk: item for item in found}
    return [by_id[i] for i in wanted if i in by_id]


# ---------------------------------------------------------------- trends, in words


def recent_period(trends: Trends) -> Period:
    """The trends' recent window, as a period (for the links to its comments)."""
    first = trends.weeks[-trends.recent_weeks]
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    return Period(start, start + timedelta(weeks=trends.recent_weeks))


def baseline_period(trends: Trends) -> Period:
    first = trends.weeks[0]
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    return Period(start, start + timedelta(weeks=trends.baseline_weeks))


_CHANNELS = {"survey": "survey comments", "ticket": "support tickets", "review": "reviews"}


def group_words(dimension: str, group: str) -> str:
    """A trend's group in plain words."""
    if group == NO_SEGMENT:
        return f"customers with no {dimension}"
    return {
        "all": "all answers",
        "survey": f"the survey “{group}”",
        "channel": f"answers via {group}",
        "account": f"the {group} account",
        "plan": f"the {group} plan",
        "region": f"customers in {group}",
        "theme": f"answers about “{group}”",
        "feedback_theme": f"“{group}”, every channel",
        "feedback_channel": _CHANNELS.get(group, f"{group}s"),
    }.get(dimension, group)


_METRICS = {
    "highly_satisfied": "Share highly satisfied",
    "dissatisfied": "Share dissatisfied",
    "volume": "Answers a week",
}
_SCORES = {"nps": "NPS", "csat": "CSAT", "ces": "Average effort (CES)", "rating": "Average rating"}


def metric_words(series: Series) -> str:
    if series.metric == "score":
        return _SCORES.get(series.kind, "Score")
    if series.metric == "volume" and series.dimension.startswith("feedback"):
        return "Comments a week"
    return _METRICS.get(series.metric, series.metric)


def level_words(series: Series, value: float | None) -> str:
    """A level of the series in its unit: "42", "71%", "4.12", "18.5 a week"."""
    if value is None:
        return "n/a"
    if series.kind in ("share", "csat"):
        return f"{value:.0f}%"
    if series.kind == "nps":
        return f"{value:.0f}"
    if series.kind == "count":
        return f"{value:.1f}"
    return f"{value:.2f}"


def effect_words(series: Series) -> str:
    effect = series.test.effect
    if effect is None:
        return "n/a"
    if series.kind == "count":
        return f"{effect:+.0%}" if math.isfinite(effect) else "new: none before"
    if series.kind in ("ces", "rating"):
        return f"{effect:+.2f}"
    return f"{effect:+.1f} points"


def series_filter(
    series: Series, base: CommentFilter, ids: dict[str, int], period: Period
) -> CommentFilter:
    """The comments behind a series in `period`: its group and, for a tier share, that tier."""
    f = base.but(period=period)
    if series.metric in ("highly_satisfied", "dissatisfied"):
        f = f.but(tier=series.metric)
    group = series.group
    if series.dimension == "channel":
        return f.but(via=group)
    if series.dimension in ("account", "plan", "region"):
        return f.but(segment=f"{series.dimension}:{group}")
    if series.dimension in ("theme", "feedback_theme") and group in ids:
        return f.but(theme=str(ids[group]))
    if series.dimension == "feedback_channel":
        return f.but(source=group)
    return f


@dataclass(frozen=True)
class Finding:
    series: Series
    what: str  # "Share dissatisfied, the Pro plan"
    change: str  # "rose from 12% to 25% (+13.0 points)"
    link: CommentFilter  # the comments behind the change (a tier share: that tier's)
    answers: CommentFilter  # every comment of the group's answers in the recent weeks
    before: CommentFilter  # ... and in the baseline weeks


def findings(trends: Trends, base: CommentFilter, ids: dict[str, int]) -> list[Finding]:
    """The rising and falling series, strongest evidence first, in words with their links."""
    found = sorted((s for s in trends.series if s.direction), key=lambda s: s.q_value or 0.0)
    period, before = recent_period(trends), baseline_period(trends)
    return [
        Finding(
            s,
            f"{metric_words(s)}, {group_words(s.dimension, s.group)}",
            f"{'rose' if s.direction == 'rising' else 'fell'} from "
            f"{level_words(s, s.test.baseline)} to {level_words(s, s.test.recent)} "
            f"({effect_words(s)})",
            series_filter(s, base, ids, period),
            series_filter(s, base, ids, period).but(tier=""),
            series_filter(s, base, ids, before).but(tier=""),
        )
        for s in _distinct(found)
    ]


def _distinct(found: list[Series]) -> list[Series]:
    """One finding per set of answers: a group holding every answer of another (the survey of
    a one-survey run, the only channel, "no plan" when nobody has one) gives the very same
    test, so only the first, broadest one is said."""
    seen, kept = set(), []
    for s in found:
        key = (s.metric, s.kind, s.test.n_recent, s.test.n_baseline, s.test.effect)
        if key not in seen:
            seen.add(key)
            kept.append(s)
    return kept


@dataclass(frozen=True)
class Part:
    dimension: str
    words: str
    total: float  # points of the change this group accounts for
    link: CommentFilter


def change_parts(
    trends: Trends, base: CommentFilter, ids: dict[str, int], *, top: int = 3
) -> list[Part]:
    """The groups that account for most of the change (the ones the sentence may name), per
    grouping, with the link to their comments in the recent weeks."""
    if trends.change is None:
        return []
    period = recent_period(trends)
    parts = []
    for d in trends.change.decompositions:
        if len(d.contributions) < 2:  # one group (nobody has a plan): it is the whole change
            continue
        for c in named_contributions(d, MIN_N)[:top]:
            link = base.but(period=period)
            if d.dimension == "theme" and c.group in ids:
                link = link.but(theme=str(ids[c.group]))
            elif d.dimension == "channel":
                link = link.but(via=c.group)
            elif d.dimension != "theme":
                link = link.but(segment=f"{d.dimension}:{c.group}")
            parts.append(Part(d.dimension, group_words(d.dimension, c.group), c.total, link))
    return parts


def series_of(trends: Trends, dimension: str, metric: str) -> Series | None:
    return next((s for s in trends.series if s.dimension == dimension and s.metric == metric), None)


# ---------------------------------------------------------------- drivers


@dataclass(frozen=True)
class DriverRow:
    driver: Driver
    label: DriverLabel
    observations: int | None  # None: hidden (a trustee survey, 1-4 answers)
    link: CommentFilter

    @property
    def percent(self) -> float | None:
        """The weight as percent of the score's differences it accounts for."""
        return None if self.driver.weight is None else 100 * self.driver.weight

    @property
    def low_percent(self) -> float | None:
        return None if self.driver.low is None else 100 * self.driver.low

    @property
    def high_percent(self) -> float | None:
        return None if self.driver.high is None else 100 * self.driver.high


def driver_rows(
    survey: Survey, names: ItemThemes, ids: dict[str, int]
) -> tuple[SurveyDrivers, list[DriverRow], list[DriverRow]]:
    """The survey's key drivers: the ranked ones and the ones with too little data."""
    found = survey_drivers(survey, item_themes=names or None)
    base = CommentFilter(survey=survey.pk)
    ranked: list[DriverRow] = []
    little: list[DriverRow] = []
    for d in found.analysis.drivers:
        label = found.labels[d.name]
        link = base
        if label.kind == "theme" and label.key in ids:
            link = base.but(theme=str(ids[label.key]))
        shown = suppress(d.observations, trustee=survey.is_trustee)
        row = DriverRow(d, label, shown, link)
        (ranked if d.status == RANKED else little).append(row)
    return found, ranked, little
