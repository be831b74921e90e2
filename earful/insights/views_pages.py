"""The insights pages: overview, themes (rename, merge, split), one theme, key drivers, tier
movement, and the comments behind every number. Thin: parse, access, call selectors, render;
the charts are drawn here from selector results (earful/insights/charts.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from earful.accounts.access import member_required
from earful.accounts.models import Member, Organization
from earful.accounts.roles import Permission
from earful.core.charts import line_chart
from earful.insights import charts
from earful.insights.models import Theme
from earful.insights.selectors_comments import (
    EMERGING,
    PER_PAGE,
    CommentFilter,
    followed_response_ids,
    list_comments,
    parse_filter,
)
from earful.insights.selectors_movement import TierMovement, tier_movement
from earful.insights.selectors_pages import (
    baseline_period,
    change_parts,
    chosen_survey,
    driver_rows,
    effect_words,
    findings,
    recent_period,
    series_of,
    theme_examples,
    theme_ids,
    theme_names,
    theme_rows,
    theme_weekly,
    weeks_until,
)
from earful.insights.selectors_rows import Period, default_periods, parse_period
from earful.insights.selectors_themes import access_theme, emerging_count
from earful.insights.selectors_trends import Series, Trends, score_trends
from earful.insights.services import theme_edits
from earful.insights.stats.drivers import MIN_OBSERVATIONS
from earful.insights.stats.intervals import Proportion
from earful.insights.stats.tiers import LEVELS
from earful.surveys.models import Survey
from earful.surveys.scoring import SCALES, SCORE_LABELS
from earful.surveys.selectors import access_survey

EDIT = Permission.EDIT_SURVEYS  # who may rename, merge and split themes (as in the API)


def _member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


def _week_label(week: Any) -> str:
    return week.strftime("%d %b")


# ---------------------------------------------------------------- overview


@member_required(Permission.VIEW_DASHBOARDS)
def overview(request: HttpRequest) -> HttpResponse:
    """What changed, the rising and falling trends, who moved up a level, the top themes."""
    member = _member(request)
    survey, choices = chosen_survey(member, request.GET.get("survey"))
    context: dict[str, Any] = {"survey": survey, "choices": choices, "nav": "overview"}
    if survey is not None:
        context |= _survey_overview(member.organization, survey)
    context["top_themes"] = theme_rows(member.organization, None)[:5]
    return render(request, "insights/overview.html", context)


def _survey_overview(organization: Organization, survey: Survey) -> dict[str, Any]:
    names, ids = theme_names(organization), theme_ids(organization)
    trends = score_trends(organization, survey=survey, item_themes=names or None)
    base = CommentFilter(survey=survey.pk)
    moved = None
    if not survey.is_trustee:
        moved = _movement_context(organization, survey, *default_periods())
    recent, baseline = recent_period(trends), baseline_period(trends)
    score_series = series_of(trends, "all", "score")
    return {
        "trends": trends,
        # The headline moved, but by no more than chance would explain: the page says so.
        "score_real": bool(score_series and score_series.direction),
        "findings": findings(trends, base, ids)[:6],
        "parts": change_parts(trends, base, ids),
        "recent": recent,
        "baseline": baseline,
        "recent_link": base.but(period=recent).url(),
        "baseline_link": base.but(period=baseline).url(),
        "score_label": SCORE_LABELS.get(survey.score_kind, "Score"),
        "score_chart": _score_chart(trends, series_of(trends, "all", "score"), survey),
        "volume_chart": _volume_chart(trends, series_of(trends, "all", "volume"), base),
        "moved": moved,
    }


def _score_chart(trends: Trends, series: Series | None, survey: Survey) -> Any:
    kind = survey.score_kind
    y_range = {"nps": (-100.0, 100.0), "csat": (0.0, 100.0)}.get(kind)
    if y_range is None and kind in SCALES:
        y_range = (float(SCALES[kind][0]), float(SCALES[kind][1]))
    values = series.weekly if series else [None] * len(trends.weeks)
    points = [(_week_label(w), v) for w, v in zip(trends.weeks, values, strict=True)]
    return line_chart(points, title="Score per week", y_range=y_range, partial_last=True)


def _volume_chart(trends: Trends, series: Series | None, base: CommentFilter) -> Any:
    values = series.weekly if series else [None] * len(trends.weeks)
    points = [
        (_week_label(w), v, base.but(week=w).url() if v else None)
        for w, v in zip(trends.weeks, values, strict=True)
    ]
    return charts.weekly_bars(points, title="Scored answers per week")


# ---------------------------------------------------------------- themes


@member_required(Permission.VIEW_DASHBOARDS)
def themes(request: HttpRequest) -> HttpResponse:
    """Every theme with its volume, sentiment, weekly mentions and trend; unthemed items."""
    member = _member(request)
    organization = member.organization
    trends = score_trends(organization, item_themes=theme_names(organization) or None)
    recent = recent_period(trends)
    rows = [
        (
            row,
            charts.sparkline(
                row.trend.weekly if row.trend else [],
                title="Comments a week, this week so far last",
                partial_last=True,
            ),
            row.link.but(period=recent).url(),
            effect_words(row.trend) if row.trend else "",
        )
        for row in theme_rows(organization, trends)
    ]
    context = {
        "rows": rows,
        "trends": trends,
        "recent": recent,
        "emerging": emerging_count(organization),
        "emerging_link": CommentFilter(theme=EMERGING).url(),
        "can_edit": member.can(EDIT),
        "nav": "themes",
    }
    return render(request, "insights/themes.html", context)


@member_required(Permission.VIEW_DASHBOARDS)
def theme_detail(request: HttpRequest, theme_id: int) -> HttpResponse:
    """One theme: its key phrases, typical comments, weekly mentions, latest comments."""
    member = _member(request)
    organization = member.organization
    theme = access_theme(member, theme_id)
    link = CommentFilter(theme=str(theme.pk))
    weeks = weeks_until(timezone.now())
    context = {
        "theme": theme,
        "row": theme_rows(organization, None, theme=theme)[0],
        "link": link,
        "examples": theme_examples(theme),
        "weekly_chart": _mentions_chart(weeks, theme_weekly(theme, weeks), link),
        "latest": list(list_comments(organization, link).items[:10]),
        "others": Theme.objects.active().filter(organization=organization).exclude(pk=theme.pk),
        "parts": theme.parts.all(),
        "can_edit": member.can(EDIT),
        "nav": "themes",
    }
    return render(request, "insights/theme_detail.html", context)


def _mentions_chart(weeks: list[date], values: list[float | None], link: CommentFilter) -> Any:
    points = [
        (_week_label(w), v, link.but(week=w).url() if v else None)
        for w, v in zip(weeks, values, strict=True)
    ]
    return charts.weekly_bars(points, title="Comments a week, every channel")


def _back_to(theme: Theme) -> HttpResponseRedirect:
    return redirect("insights:theme", theme_id=theme.pk)


@require_POST
@member_required(EDIT)
def theme_rename(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = access_theme(_member(request), theme_id)
    try:
        theme_edits.rename_theme(theme=theme, label=request.POST.get("label", ""))
    except theme_edits.ThemeEditInvalid as exc:
        messages.error(request, f"Not renamed: {exc.message}.")
    else:
        messages.success(request, f"Renamed to “{theme.name}”.")
    return _back_to(theme)


@require_POST
@member_required(EDIT)
def theme_merge(request: HttpRequest, theme_id: int) -> HttpResponse:
    member = _member(request)
    theme = access_theme(member, theme_id)
    try:
        into = access_theme(member, int(request.POST.get("into", "")))
        into = theme_edits.merge_themes(theme=theme, into=into)
    except ValueError:  # ThemeEditInvalid is one; a blank or malformed "into" the other
        messages.error(request, "Not merged: choose another active theme.")
        return _back_to(theme)
    messages.success(request, f"“{theme.name}” merged into “{into.name}”.")
    return _back_to(into)


@require_POST
@member_required(EDIT)
def theme_split(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = access_theme(_member(request), theme_id)
    try:
        parts = theme_edits.split_theme(theme=theme, into=int(request.POST.get("into", "2")))
    except theme_edits.ThemeEditInvalid as exc:
        messages.error(request, f"Not split: {exc.message}.")
        return _back_to(theme)
    except ValueError:
        messages.error(request, "Not split: give the number of parts.")
        return _back_to(theme)
    names = ", ".join(f"“{part.name}”" for part in parts)
    messages.success(request, f"“{theme.name}” split into {names}.")
    return redirect("insights:themes")


# ---------------------------------------------------------------- drivers


@member_required(Permission.VIEW_DASHBOARDS)
def drivers(request: HttpRequest) -> HttpResponse:
    """Which questions and themes go with the survey's score most, with their intervals."""
    member = _member(request)
    survey, choices = chosen_survey(member, request.GET.get("survey"))
    context: dict[str, Any] = {"survey": survey, "choices": choices, "nav": "drivers"}
    if survey is not None:
        context |= _drivers_context(member.organization, survey)
    return render(request, "insights/drivers.html", context)


def _drivers_context(organization: Organization, survey: Survey) -> dict[str, Any]:
    ids = theme_ids(organization)
    found, ranked, little = driver_rows(survey, theme_names(organization), ids)
    whiskers = [
        charts.Whisker(
            r.label.label, r.percent or 0.0, r.low_percent or 0.0, r.high_percent or 0.0,
            r.driver.clear, r.link.url(),
        )
        for r in ranked
    ]  # fmt: skip
    return {
        "found": found,
        "ranked": ranked,
        "little": little,
        "chart": charts.driver_chart(whiskers, title="Key drivers of the score"),
        "score_label": SCORE_LABELS.get(survey.score_kind, "Score"),
        "all_link": CommentFilter(survey=survey.pk).url(),
        "explained": 100 * (found.analysis.r_squared or 0),
        "minimum": MIN_OBSERVATIONS,
    }


# ---------------------------------------------------------------- movement


def _periods(request: HttpRequest) -> tuple[Period, Period, list[str]]:
    """Periods A and B from the query (YYYY-MM-DD..YYYY-MM-DD), else the last 90 days against
    the 90 before; an unreadable one falls back to its default, with a message."""
    a, b = default_periods()
    errors = []
    try:
        a = parse_period(request.GET["period_a"]) if request.GET.get("period_a") else a
    except ValueError as exc:
        errors.append(f"First period: {exc}.")
    try:
        b = parse_period(request.GET["period_b"]) if request.GET.get("period_b") else b
    except ValueError as exc:
        errors.append(f"Second period: {exc}.")
    return a, b, errors


def _movement_context(
    organization: Organization, survey: Survey | None, a: Period, b: Period
) -> dict[str, Any]:
    found: TierMovement = tier_movement(organization, a, b, survey=survey)
    base = CommentFilter(survey=survey.pk if survey else None, period_a=a, period=b)
    counts, shares = found.transition.counts.tolist(), found.transition.row_shares.tolist()
    links = [[base.but(moved=f"{x}..{y}").url() for y in LEVELS] for x in LEVELS]
    cells = [
        (x, charts.TIER_LABELS[x], sum(counts[i]), base.but(moved=f"{x}..*").url(),
         [(counts[i][j], charts.heat(shares[i][j]), links[i][j]) for j in range(len(LEVELS))])
        for i, x in enumerate(LEVELS)
    ]  # fmt: skip
    return {
        "found": found,
        "a": a,
        "b": b,
        "a_words": a.label.replace("..", " to "),
        "b_words": b.label.replace("..", " to "),
        "up": _percent(found.movement.moved_up),
        "stayed": found.transition.moved(0),
        "down": found.transition.moved(-1),
        "cells": cells,
        "chart": charts.movement_chart(counts, LEVELS, links=links),
        "both_link": base.but(moved="*..*").url(),
        "up_link": base.but(moved="up").url(),
        "down_link": base.but(moved="down").url(),
        "same_link": base.but(moved="same").url(),
        "tiers": [
            (
                charts.TIER_LABELS[t], found.tiers_a[t],
                CommentFilter(survey=base.survey, latest=t, period=a).url(),
                found.tiers_b[t], CommentFilter(survey=base.survey, latest=t, period=b).url(),
            )
            for t in LEVELS
        ],
    }  # fmt: skip


def _percent(p: Proportion) -> dict[str, int] | None:
    """A share and its interval in whole percents; None when nobody is counted."""
    if p.share is None or p.low is None or p.high is None:
        return None
    pct = {"share": p.share, "low": p.low, "high": p.high}
    return {k: round(100 * v) for k, v in pct.items()} | {"count": p.count, "n": p.n}


@member_required(Permission.VIEW_DASHBOARDS)
def movement(request: HttpRequest) -> HttpResponse:
    """The transition matrix between two periods and the share who moved up a level."""
    member = _member(request)
    every = request.GET.get("survey") == "all"
    survey, choices = chosen_survey(member, None if every else request.GET.get("survey"))
    survey = None if every else survey
    a, b, errors = _periods(request)
    for error in errors:
        messages.error(request, error)
    context: dict[str, Any] = {"survey": survey, "every": every, "choices": choices}
    context |= {"nav": "movement", "a": a, "b": b}
    if (survey is not None and not survey.is_trustee) or (every and choices):
        context["moved"] = _movement_context(member.organization, survey, a, b)
    return render(request, "insights/movement.html", context)


# ---------------------------------------------------------------- comments


@member_required(Permission.VIEW_DASHBOARDS)
def comments(request: HttpRequest) -> HttpResponse:
    """The comments behind a number: any mix of the filters in the query string, paginated."""
    member = _member(request)
    organization = member.organization
    f, errors = parse_filter(request.GET)
    survey = access_survey(member, f.survey) if f.survey is not None else None
    theme = access_theme(member, int(f.theme)) if f.theme not in ("", EMERGING) else None
    moved_ids, cut = None, False
    if f.moved or f.latest:
        moved_ids, cut = followed_response_ids(organization, f, survey=survey)
    found = list_comments(organization, f, moved_ids=moved_ids)
    page = Paginator(found.items, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "f": f,
        "errors": errors,
        "survey": survey,
        "theme": theme,
        "page": page,
        "hidden": found.hidden,
        "cut": cut,
        "chips": _chips(f, survey, theme),
        "narrow": _narrowing_links(f),
        "page_query": f.params(),
        "nav": "comments",
    }
    return render(request, "insights/comments.html", context)


def _chips(f: CommentFilter, survey: Survey | None, theme: Theme | None) -> list[tuple[str, str]]:
    """Each active filter in words, with the link that removes it."""
    words = {
        "survey": f"survey “{survey}”" if survey else "",
        "theme": "no theme yet (emerging)" if f.theme == EMERGING else f"theme “{theme}”",
        "tier": f"tier: {charts.TIER_LABELS.get(f.tier, f.tier).lower()}",
        "sentiment": f"sentiment: {f.sentiment}",
        "hesitant": "hesitant" if f.hesitant else "not hesitant",
        "week": f"week of {f.week}",
        "period": f"received {f.period.label.replace('..', ' to ')}" if f.period else "",
        "source": f"channel: {f.source}",
        "via": f"answered via {f.via}",
        "segment": f.segment.replace(":", ": "),
        "moved": f"moved {f.moved.replace('..', ' → ').replace('_', ' ').replace('*', 'any')}",
        "period_a": f"compared with {f.period_a.label.replace('..', ' to ')}" if f.period_a else "",
        "latest": f"customers whose latest answer was {f.latest.replace('_', ' ')}",
    }
    return [(words[name], _without(f, name).url()) for name in f.params() if words.get(name)]


def _without(f: CommentFilter, name: str) -> CommentFilter:
    """The filter less one field (less the movement too when one of its periods goes)."""
    blank = None if name in ("survey", "hesitant", "week", "period", "period_a") else ""
    changes: dict[str, Any] = {name: blank}
    if name == "period":
        changes |= {"moved": "", "latest": ""}
    if name == "period_a":
        changes["moved"] = ""
    return f.but(**changes)


def _narrowing_links(f: CommentFilter) -> list[tuple[str, str]]:
    """Quick filters: by sentiment and hesitancy, on top of the current ones."""
    return [
        ("negative", f.but(sentiment="negative").url()),
        ("neutral", f.but(sentiment="neutral").url()),
        ("positive", f.but(sentiment="positive").url()),
        ("hesitant", f.but(hesitant=True).url()),
    ]
