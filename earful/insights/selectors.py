"""Scores, tiers and weekly series for a survey: each one grouped query, whatever the volume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from earful.surveys.models import Answer, Response, Survey
from earful.surveys.scoring import Tier, headline_score

TIER_ORDER = (Tier.HIGHLY_SATISFIED, Tier.SATISFIED, Tier.DISSATISFIED)
# A week's score from fewer scored answers is noise: the week shows volume but no score.
MIN_SCORED_PER_WEEK = 5


@dataclass(frozen=True)
class Summary:
    responses: int
    scored: int
    kind: str
    score: float | None
    tiers: dict[str, int]


@dataclass(frozen=True)
class Week:
    start: datetime
    responses: int
    score: float | None


def _fold(rows: list[dict], kind: str) -> tuple[int, int, float | None, dict[str, int]]:
    tiers = {tier.value: 0 for tier in TIER_ORDER}
    total = scored = sum_of_scores = 0
    for row in rows:
        total += row["n"]
        if row["tier"]:
            tiers[row["tier"]] += row["n"]
            scored += row["n"]
            sum_of_scores += row["s"] or 0
    score = headline_score(kind, tiers=tiers, total=scored, sum_of_scores=sum_of_scores)
    return total, scored, (score if kind else None), tiers


def survey_summary(survey: Survey) -> Summary:
    rows = list(
        Response.objects.filter(survey=survey)
        .values("tier")
        .annotate(n=Count("id"), s=Sum("score"))
        .order_by()
    )
    total, scored, score, tiers = _fold(rows, survey.score_kind)
    return Summary(total, scored, survey.score_kind, score, tiers)


def weekly_series(survey: Survey, *, weeks: int = 52, now: datetime | None = None) -> list[Week]:
    """One entry per week (Monday, UTC) for the last `weeks` weeks, empty weeks included.

    A week with fewer than MIN_SCORED_PER_WEEK scored answers has no score (a gap)."""
    now = now or timezone.now()
    this_monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    first = this_monday - timedelta(weeks=weeks - 1)
    rows = (
        Response.objects.filter(survey=survey, submitted_at__gte=first)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week", "tier")
        .annotate(n=Count("id"), s=Sum("score"))
        .order_by()
    )
    by_week: dict[datetime, list[dict]] = {}
    for row in rows:
        by_week.setdefault(row["week"], []).append(row)
    series = []
    for i in range(weeks):
        start = first + timedelta(weeks=i)
        total, scored, score, _tiers = _fold(by_week.get(start, []), survey.score_kind)
        series.append(Week(start, total, score if scored >= MIN_SCORED_PER_WEEK else None))
    return series


def latest_comments(survey: Survey, *, limit: int = 10) -> list[Answer]:
    """The newest words customers wrote on this survey (comment boxes and open questions)."""
    return list(
        Answer.objects.filter(response__survey=survey)
        .filter(~Q(comment="") | (Q(question__type="text") & ~Q(text="")))
        .select_related("response", "question", "response__customer")
        .order_by("-response__submitted_at", "-id")[:limit]
    )
