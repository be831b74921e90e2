"""Scores, tiers and weekly series for a survey: each one grouped query, whatever the volume."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from earful.surveys.models import Answer, Response, Survey
from earful.surveys.scoring import Tier, headline_score
from earful.surveys.services import expand_responses
from earful.surveys.trust import MIN_GROUP, suppress

_FINISHED = Q(finished_at__isnull=False)
TIER_ORDER = (Tier.HIGHLY_SATISFIED, Tier.SATISFIED, Tier.DISSATISFIED)
# A week's score from fewer scored answers is noise: the week shows volume but no score.
MIN_SCORED_PER_WEEK = 5


@dataclass(frozen=True)
class Summary:
    """`responses` counts every response with an answer, finished or not; the score and tiers
    count every response whose headline question is answered. `finished` tells them apart."""

    responses: int
    scored: int
    kind: str
    score: float | None
    tiers: dict[str, int | None]
    finished: int | None = 0
    unfinished: int | None = 0
    suppressed: bool = False  # trustee mode hid groups of fewer than MIN_GROUP respondents


@dataclass(frozen=True)
class Step:
    """One question on the way through a survey: how many got there, answered, and stopped."""

    key: str
    text: str
    reached: int | None
    answered: int | None
    stopped: int | None


@dataclass(frozen=True)
class Week:
    start: datetime
    responses: int | None  # None: a trustee week of 1-4 respondents
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
    expand_responses(survey=survey)  # responses just taken in (surveys.services)
    rows = list(
        Response.objects.filter(survey=survey)
        .values("tier")
        .annotate(n=Count("id"), s=Sum("score"), done=Count("id", filter=_FINISHED))
        .order_by()
    )
    total, scored, score, tiers = _fold(rows, survey.score_kind)
    finished = sum(row["done"] for row in rows)
    summary = Summary(
        total, scored, survey.score_kind, score, dict(tiers), finished, total - finished
    )
    return _suppressed(summary) if survey.is_trustee else summary


def _suppressed(summary: Summary) -> Summary:
    """Trustee mode: a group of 1-4 respondents is hidden, and so are its complements (the
    other tiers, finished vs unfinished), which would give it away by subtraction."""
    tiers = dict(summary.tiers)
    small_tier = any(suppress(n, trustee=True) is None for n in tiers.values())
    parts = (summary.finished, summary.unfinished)
    small_part = any(suppress(n, trustee=True) is None for n in parts)
    return replace(
        summary,
        score=summary.score if summary.scored >= MIN_GROUP else None,
        tiers=dict.fromkeys(tiers) if small_tier else tiers,
        finished=None if small_part else summary.finished,
        unfinished=None if small_part else summary.unfinished,
        suppressed=small_tier or small_part,
    )


def drop_off(survey: Survey) -> list[Step]:
    """Per question, in order: responses that reached it (answered it or a later one), answered
    it, and unfinished responses whose last answer was this one. Two grouped queries."""
    expand_responses(survey=survey)  # Answer rows of answers just taken (surveys.services)
    answered = dict(
        Answer.objects.filter(response__survey=survey)
        .values_list("question_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    furthest = list(
        Response.objects.filter(survey=survey, furthest_position__isnull=False)
        .values("furthest_position")
        .annotate(n=Count("id"), open=Count("id", filter=~_FINISHED))
        .order_by()
    )
    steps = []
    for question in survey.questions.all():
        here = [r for r in furthest if r["furthest_position"] == question.position]
        steps.append(
            Step(
                key=question.key,
                text=question.text,
                reached=sum(
                    r["n"] for r in furthest if r["furthest_position"] >= question.position
                ),
                answered=answered.get(question.pk, 0),
                stopped=sum(r["open"] for r in here),
            )
        )
    return steps


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
        volume = suppress(total, trustee=survey.is_trustee)
        series.append(Week(start, volume, score if scored >= MIN_SCORED_PER_WEEK else None))
    return series


def latest_comments(survey: Survey, *, limit: int = 10) -> list[Answer]:
    """The newest words customers wrote on this survey (comment boxes and open questions).

    Trustee surveys show none until MIN_GROUP people answered, and never who wrote them."""
    expand_responses(survey=survey)  # Answer rows of answers just taken (surveys.services)
    answers = Answer.objects.filter(response__survey=survey).filter(
        ~Q(comment="") | (Q(question__type="text") & ~Q(text=""))
    )
    if survey.is_trustee:
        if Response.objects.filter(survey=survey).count() < MIN_GROUP:
            return []
        answers = answers.select_related("response", "question")
    else:
        answers = answers.select_related("response", "question", "response__customer")
    return list(answers.order_by("-response__submitted_at", "-id")[:limit])
