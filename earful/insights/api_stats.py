"""/api/v1/insights: tier movement, trends with what changed, and key drivers.

Thin: parse the query, check access, call a selector, shape the answer. The methods are in
earful/insights/stats (and docs/user/insights.md)."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from ninja import Router

from earful.accounts.access import api_member
from earful.accounts.models import Member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut, Id
from earful.insights.schemas_stats import DriversOut, MovementOut, TrendsOut
from earful.insights.selectors_drivers import DriverLabel, survey_drivers
from earful.insights.selectors_movement import tier_movement
from earful.insights.selectors_pages import theme_names
from earful.insights.selectors_rows import ItemThemes, Period, default_periods, parse_period
from earful.insights.selectors_trends import Change, Series, score_trends
from earful.insights.stats.decomposition import Contribution
from earful.insights.stats.drivers import MIN_OBSERVATIONS, Driver
from earful.insights.stats.intervals import Proportion
from earful.insights.stats.tiers import LEVELS
from earful.insights.stats.trends import BASELINE_WEEKS, RECENT_WEEKS
from earful.surveys.models import Survey
from earful.surveys.selectors import access_survey

router = Router(tags=["insights"])
MAX_WEEKS = 52


def item_themes(member: Member) -> ItemThemes | None:
    """Themes per feedback item ({item id: [theme names]}) for the theme series, parts and
    drivers, as stored by the themes engine (two queries)."""
    return theme_names(member.organization) or None


def _survey(member: Member, survey_id: Id | None) -> Survey | None:
    return None if survey_id is None else access_survey(member, survey_id)


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _period(text: str | None, default: Period, field: str) -> Period:
    try:
        return parse_period(text) if text else default
    except ValueError as exc:
        raise ApiInvalid([(field, str(exc))]) from exc


def _share(p: Proportion) -> dict[str, Any]:
    return {"count": p.count, "n": p.n, "share": p.share, "low": p.low, "high": p.high}


@router.get("/movement", response={200: MovementOut, 422: ErrorOut})
def movement(
    request: HttpRequest,
    survey: int | None = None,
    period_a: str | None = None,
    period_b: str | None = None,
) -> dict:
    """Each customer's tier (latest answer) in two periods, the 3x3 transition matrix and the
    share who moved up at least one level. Periods: YYYY-MM-DD..YYYY-MM-DD, both days
    included; by default the last 90 days (B) against the 90 before (A)."""
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    scope = _survey(member, survey)
    if scope is not None and scope.is_trustee:
        raise ApiInvalid([("survey", "a trustee survey keeps no identity to follow customers")])
    default_a, default_b = default_periods()
    a = _period(period_a, default_a, "period_a")
    b = _period(period_b, default_b, "period_b")
    found = tier_movement(member.organization, a, b, survey=scope)
    moved = found.movement
    return {
        "period_a": a.label, "period_b": b.label, "levels": list(LEVELS),
        "matrix": found.transition.counts.tolist(),
        "row_shares": [[_finite(float(v)) for v in row] for row in found.transition.row_shares],
        "customers": found.transition.customers,
        "only_a": found.transition.only_a, "only_b": found.transition.only_b,
        "tiers_a": found.tiers_a, "tiers_b": found.tiers_b,
        "moved_up": _share(moved.moved_up), "stayed": _share(moved.stayed),
        "moved_down": _share(moved.moved_down),
        "moved_up_of_eligible": _share(moved.moved_up_of_eligible),
        "anonymous_responses": found.anonymous,
    }  # fmt: skip


def _series(s: Series) -> dict[str, Any]:
    test = s.test
    return {
        "dimension": s.dimension, "group": s.group, "metric": s.metric, "kind": s.kind,
        "weekly": s.weekly, "recent": _finite(test.recent), "baseline": _finite(test.baseline),
        "effect": _finite(test.effect), "p_value": test.p_value, "q_value": s.q_value,
        "n_recent": test.n_recent, "n_baseline": test.n_baseline, "direction": s.direction,
    }  # fmt: skip


@router.get("/trends", response={200: TrendsOut, 422: ErrorOut})
def trends(
    request: HttpRequest,
    survey: int | None = None,
    recent_weeks: int = RECENT_WEEKS,
    baseline_weeks: int = BASELINE_WEEKS,
) -> dict:
    """Weekly score, tier shares and volume per survey, channel, segment and theme; the rising
    and falling ones (Welch's t-test / exact Poisson test of the recent weeks against the
    baseline weeks, Benjamini-Hochberg at a 5% false discovery rate, a minimum effect); with
    a survey, what changed in its score and which groups account for it."""
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    scope = _survey(member, survey)
    if min(recent_weeks, baseline_weeks) < 1 or recent_weeks + baseline_weeks > MAX_WEEKS:
        raise ApiInvalid([("recent_weeks", f"1 or more weeks each, {MAX_WEEKS} in all at most")])
    found = score_trends(
        member.organization, survey=scope, item_themes=item_themes(member),
        recent=recent_weeks, baseline=baseline_weeks,
    )  # fmt: skip
    findings = sorted((s for s in found.series if s.direction), key=lambda s: s.q_value or 0.0)
    return {
        "weeks": found.weeks, "recent_weeks": found.recent_weeks,
        "baseline_weeks": found.baseline_weeks, "fdr": found.fdr,
        "findings": [_series(s) for s in findings], "series": [_series(s) for s in found.series],
        "change": _change(found.change),
    }  # fmt: skip


def _change(change: Change | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "period_a": change.period_a.label, "period_b": change.period_b.label,
        "score_a": change.score_a, "score_b": change.score_b,
        "change": change.score_b - change.score_a, "sentence": change.sentence,
        "by": [
            {"dimension": d.dimension, "contributions": [_contribution(c) for c in d.contributions]}
            for d in change.decompositions
        ],
    }  # fmt: skip


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "group": c.group, "share_a": c.share_a, "share_b": c.share_b, "score_a": c.score_a,
        "score_b": c.score_b, "rate": c.rate, "mix": c.mix, "total": c.total,
    }  # fmt: skip


@router.get("/drivers", response={200: DriversOut, 422: ErrorOut})
def drivers(request: HttpRequest, survey: int, min_observations: int = MIN_OBSERVATIONS) -> dict:
    """Which questions and themes move the survey's headline score most: Johnson's relative
    weights with 95% bootstrap intervals (200 seeded resamples) and a comparison with a random
    predictor; a predictor with fewer than `min_observations` mentions or answers says
    too_little_data instead of a rank."""
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    scope = access_survey(member, survey)
    if min_observations < 2:
        raise ApiInvalid([("min_observations", "must be 2 or more")])
    found = survey_drivers(
        scope, item_themes=item_themes(member), min_observations=min_observations
    )
    analysis = found.analysis
    return {
        "survey": scope.pk,
        "score_question": found.score_question.key if found.score_question else None,
        "responses": analysis.responses, "r_squared": analysis.r_squared,
        "resamples": analysis.resamples, "confidence": analysis.confidence,
        "min_observations": min_observations,
        "drivers": [_driver(d, found.labels[d.name]) for d in analysis.drivers],
    }  # fmt: skip


def _driver(d: Driver, label: DriverLabel) -> dict[str, Any]:
    return {
        "kind": label.kind, "key": label.key, "label": label.label, "status": d.status,
        "observations": d.observations, "rank": d.rank, "weight": d.weight, "share": d.share,
        "low": d.low, "high": d.high, "beyond_noise_low": d.beyond_noise_low,
        "beyond_noise_high": d.beyond_noise_high, "clear": d.clear, "direction": d.direction,
    }  # fmt: skip
