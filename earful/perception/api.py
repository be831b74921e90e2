"""/api/v1/perception: teams, prediction rounds, predictions and the gap."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut
from earful.perception import selectors, services
from earful.perception.models import Prediction, PredictionRound, Team
from earful.perception.schemas import (
    GapOut,
    InviteIn,
    InviteOut,
    PredictionIn,
    PredictionOut,
    RoundIn,
    RoundOut,
    TeamIn,
    TeamOut,
)
from earful.surveys.models import Survey

router = Router(tags=["perception gap"])
ADMIN = Permission.MANAGE_MEMBERS
READ = Permission.VIEW_DASHBOARDS


def _invalid(exc: services.PerceptionInvalid) -> ApiInvalid:
    return ApiInvalid(exc.errors)


@router.get("/teams", response=list[TeamOut])
def list_teams(request: HttpRequest) -> list[Team]:
    return list(selectors.list_teams(api_member(request, READ).organization))


@router.post("/teams", response={201: TeamOut, 422: ErrorOut})
def create_team(request: HttpRequest, payload: TeamIn) -> tuple[int, Team]:
    member = api_member(request, ADMIN)
    try:
        team = services.create_team(
            organization=member.organization, name=payload.name, member_ids=payload.members
        )
    except services.PerceptionInvalid as exc:
        raise _invalid(exc) from exc
    return 201, team


@router.get("/rounds", response=list[RoundOut])
def list_rounds(request: HttpRequest) -> list[PredictionRound]:
    return list(selectors.list_rounds(api_member(request, READ).organization))


@router.post("/rounds", response={201: RoundOut, 422: ErrorOut})
def create_round(request: HttpRequest, payload: RoundIn) -> tuple[int, PredictionRound]:
    """A round: staff predict the survey's score for the period until `locks_at`."""
    member = api_member(request, ADMIN)
    survey = Survey.objects.filter(pk=payload.survey, organization=member.organization).first()
    try:
        created = services.create_round(
            organization=member.organization,
            name=payload.name,
            survey=survey,
            period_start=payload.period_start,
            period_end=payload.period_end,
            locks_at=payload.locks_at,
        )
    except services.PerceptionInvalid as exc:
        raise _invalid(exc) from exc
    return 201, created


@router.put(
    "/rounds/{round_id}/prediction", response={200: PredictionOut, 404: ErrorOut, 422: ErrorOut}
)
def predict(request: HttpRequest, round_id: int, payload: PredictionIn) -> Prediction:
    """Your own prediction for the round (changeable until it locks; 422 `round` after)."""
    member = api_member(request, READ)
    prediction_round = selectors.access_round(member, round_id)
    try:
        return services.predict(prediction_round=prediction_round, member=member, **payload.dict())
    except services.PerceptionInvalid as exc:
        raise _invalid(exc) from exc


@router.get("/rounds/{round_id}/predictions", response={200: list[PredictionOut], 404: ErrorOut})
def list_predictions(request: HttpRequest, round_id: int) -> list[Prediction]:
    """Admins: every prediction; anyone else: their own."""
    member = api_member(request, READ)
    return list(selectors.visible_predictions(selectors.access_round(member, round_id), member))


@router.post("/rounds/{round_id}/invites", response={201: InviteOut, 404: ErrorOut, 422: ErrorOut})
def invite_staff(request: HttpRequest, round_id: int, payload: InviteIn) -> tuple[int, dict]:
    """A link for staff without a login to give their prediction (send it to them yourself)."""
    member = api_member(request, ADMIN)
    prediction_round = selectors.access_round(member, round_id)
    team = selectors.access_team(member, payload.team) if payload.team else None
    try:
        invite = services.invite_staff(
            prediction_round=prediction_round, name=payload.name, team=team
        )
    except services.PerceptionInvalid as exc:
        raise _invalid(exc) from exc
    link = request.build_absolute_uri(reverse("perception_links:predict", args=[invite.token]))
    return 201, {"id": invite.pk, "name": invite.name, "link": link}


@router.get("/rounds/{round_id}/gap", response={200: GapOut, 404: ErrorOut})
def round_gap(request: HttpRequest, round_id: int) -> dict:
    """Predicted against actual, overall and per team (teams of 3 predictions or more)."""
    member = api_member(request, READ)
    report = selectors.round_gap(selectors.access_round(member, round_id))
    body = asdict(report)
    body["teams"] = [
        {"team": name, "score_gap": asdict(score), "share_gap": asdict(share)}
        for name, score, share in report.teams
    ]
    return body
