"""Reads: teams, rounds, a round's gap (one aggregate over the period's responses), history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Permission
from earful.perception import gap as arithmetic
from earful.perception.models import Prediction, PredictionRound, StaffInvite, Team
from earful.surveys.models import Response
from earful.surveys.trust import MIN_GROUP

TEAM_MIN = 3  # a team's mean is shown from this many predictions: no one person's guess


def list_teams(organization: Organization) -> QuerySet[Team]:
    return Team.objects.filter(organization=organization).prefetch_related("members__user")


def access_team(member: Member, team_id: int) -> Team:
    return get_object_or_404(Team, pk=team_id, organization_id=member.organization_id)


def list_rounds(organization: Organization) -> QuerySet[PredictionRound]:
    return (
        PredictionRound.objects.filter(organization=organization)
        .select_related("survey")
        .annotate(predictions_count=Count("predictions"))
        .order_by("-period_start", "-id")
    )


def access_round(member: Member, round_id: int) -> PredictionRound:
    return get_object_or_404(
        PredictionRound.objects.select_related("survey"),
        pk=round_id,
        organization_id=member.organization_id,
    )


def invite_by_token(token: str) -> StaffInvite:
    return get_object_or_404(
        StaffInvite.objects.select_related("round__survey", "round__organization"), token=token
    )


def is_locked(prediction_round: PredictionRound) -> bool:
    return timezone.now() >= prediction_round.locks_at


def own_prediction(prediction_round: PredictionRound, member: Member) -> Prediction | None:
    return Prediction.objects.filter(round=prediction_round, member=member).first()


def visible_predictions(prediction_round: PredictionRound, member: Member) -> QuerySet[Prediction]:
    """Admins see every individual prediction; everyone else only their own."""
    predictions = prediction_round.predictions.select_related("member__user", "invite", "team")
    if member.can(Permission.MANAGE_MEMBERS):
        return predictions.order_by("id")
    return predictions.filter(member=member)


@dataclass(frozen=True)
class GapReport:
    locked: bool
    responses: int
    withheld: str  # why the customers' side is not shown (blank: it is)
    predicted_score: arithmetic.Estimate
    actual_score: arithmetic.Estimate
    score_gap: arithmetic.Estimate
    predicted_share: arithmetic.Estimate
    actual_share: arithmetic.Estimate
    share_gap: arithmetic.Estimate
    teams: list[tuple[str, arithmetic.Estimate, arithmetic.Estimate]]  # name, score gap, share gap


def _customers(prediction_round: PredictionRound) -> dict:
    rows = Response.objects.filter(
        survey=prediction_round.survey,
        submitted_at__gte=prediction_round.period_start,
        submitted_at__lt=prediction_round.period_end,
        score__isnull=False,
    )
    totals = rows.aggregate(
        total=Count("id"),
        sum_of_scores=Sum("score"),
        sum_of_squares=Sum(F("score") * F("score")),
    )
    tiers = dict(rows.values_list("tier").annotate(n=Count("id")).order_by())
    return {
        "total": totals["total"] or 0,
        "sum_of_scores": totals["sum_of_scores"] or 0,
        "sum_of_squares": totals["sum_of_squares"] or 0,
        "tiers": tiers,
    }


def round_gap(prediction_round: PredictionRound) -> GapReport:
    """Predicted against actual for the round's survey and period, overall and per team."""
    survey = prediction_round.survey
    customers = _customers(prediction_round)
    total = customers["total"]
    withheld = ""
    if not is_locked(prediction_round):
        lock = f"{prediction_round.locks_at:%Y-%m-%d %H:%M} UTC"
        withheld = f"the customers' side shows once predictions lock ({lock})"
    elif survey.is_trustee and 0 < total < MIN_GROUP:
        withheld = f"trustee survey: fewer than {MIN_GROUP} answers in the period"
    if withheld or not total:
        actual_score = actual_share = arithmetic.UNKNOWN
    else:
        actual_score = arithmetic.actual_score(survey.score_kind, **customers)
        actual_share = arithmetic.actual_share(customers["tiers"].get("highly_satisfied", 0), total)
    rows = list(
        prediction_round.predictions.values_list("score", "highly_satisfied_pct", "team__name")
    )
    predicted_score = arithmetic.predicted([r[0] for r in rows])
    predicted_share = arithmetic.predicted([r[1] for r in rows])
    teams = []
    for name in sorted({r[2] for r in rows if r[2]}):
        mine = [r for r in rows if r[2] == name]
        if len(mine) >= TEAM_MIN:
            teams.append(
                (
                    name,
                    arithmetic.gap(arithmetic.predicted([r[0] for r in mine]), actual_score),
                    arithmetic.gap(arithmetic.predicted([r[1] for r in mine]), actual_share),
                )
            )
    return GapReport(
        locked=is_locked(prediction_round),
        responses=total,
        withheld=withheld,
        predicted_score=predicted_score,
        actual_score=actual_score,
        score_gap=arithmetic.gap(predicted_score, actual_score),
        predicted_share=predicted_share,
        actual_share=actual_share,
        share_gap=arithmetic.gap(predicted_share, actual_share),
        teams=teams,
    )


def gap_history(
    organization: Organization, limit: int = 12
) -> list[tuple[PredictionRound, GapReport]]:
    """The last locked rounds, oldest first: the tracked number is the gap's trend."""
    rounds = list(
        PredictionRound.objects.filter(organization=organization, locks_at__lte=timezone.now())
        .select_related("survey")
        .order_by("-period_start")[:limit]
    )
    return [(r, round_gap(r)) for r in reversed(rounds)]
