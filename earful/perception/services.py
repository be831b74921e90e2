"""Writes: teams, prediction rounds, staff invitations, predictions (locked at the round's time)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.perception.models import Prediction, PredictionRound, StaffInvite, Team
from earful.surveys.models import Survey
from earful.surveys.scoring import QuestionType

# The headline score's range per kind: NPS -100..100, CSAT % 0..100, averages on their scale.
SCORE_RANGES = {
    QuestionType.NPS: (Decimal(-100), Decimal(100)),
    QuestionType.CSAT: (Decimal(0), Decimal(100)),
    QuestionType.CES: (Decimal(1), Decimal(7)),
    QuestionType.RATING: (Decimal(1), Decimal(5)),
}


class PerceptionInvalid(ValueError):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


def create_team(*, organization: Organization, name: str, member_ids: list[int]) -> Team:
    name = name.strip()
    errors = []
    if not name or len(name) > 100:
        errors.append(("name", "1 to 100 characters"))
    elif Team.objects.filter(organization=organization, name=name).exists():
        errors.append(("name", "a team of this name exists"))
    members = list(Member.objects.filter(organization=organization, pk__in=member_ids))
    if len(members) != len(set(member_ids)):
        errors.append(("members", "every member must belong to this organization"))
    if errors:
        raise PerceptionInvalid(errors)
    with transaction.atomic():
        team = Team.objects.create(organization=organization, name=name)
        team.members.set(members)
    return team


def create_round(
    *,
    organization: Organization,
    name: str,
    survey: Survey | None,
    period_start: datetime,
    period_end: datetime,
    locks_at: datetime,
) -> PredictionRound:
    errors = []
    if not name.strip() or len(name) > 150:
        errors.append(("name", "1 to 150 characters"))
    if survey is None or survey.organization_id != organization.pk:
        errors.append(("survey", "a survey of this organization"))
    elif survey.score_kind not in SCORE_RANGES:
        errors.append(("survey", "a published survey with a score question"))
    if period_end <= period_start:
        errors.append(("period_end", "after period_start"))
    if locks_at > period_end:
        errors.append(("locks_at", "at the latest when the period ends: predict before you see"))
    if errors or survey is None:
        raise PerceptionInvalid(errors)
    return PredictionRound.objects.create(
        organization=organization,
        name=name.strip(),
        survey=survey,
        period_start=period_start,
        period_end=period_end,
        locks_at=locks_at,
    )


def invite_staff(*, prediction_round: PredictionRound, name: str, team: Team | None) -> StaffInvite:
    if not name.strip() or len(name) > 150:
        raise PerceptionInvalid([("name", "1 to 150 characters")])
    if team is not None and team.organization_id != prediction_round.organization_id:
        raise PerceptionInvalid([("team", "a team of this organization")])
    return StaffInvite.objects.create(round=prediction_round, name=name.strip(), team=team)


def _number(value: Any, field: str, low: Decimal, high: Decimal, errors: list) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors.append((field, "a number"))
        return Decimal(0)
    if not low <= number <= high:
        errors.append((field, f"from {low} to {high}"))
    return number


def predict(
    *,
    prediction_round: PredictionRound,
    score: Any,
    highly_satisfied_pct: Any,
    member: Member | None = None,
    invite: StaffInvite | None = None,
) -> Prediction:
    """Records (or changes) one person's prediction, until the round locks."""
    errors: list[tuple[str, str]] = []
    if timezone.now() >= prediction_round.locks_at:
        errors.append(("round", "predictions closed when the round locked"))
    low, high = SCORE_RANGES[prediction_round.survey.score_kind]  # type: ignore[index]
    values: dict[str, Any] = {
        "score": _number(score, "score", low, high, errors),
        "highly_satisfied_pct": _number(
            highly_satisfied_pct, "highly_satisfied_pct", Decimal(0), Decimal(100), errors
        ),
    }
    if errors:
        raise PerceptionInvalid(errors)
    if invite is not None:
        values["team"] = invite.team
        prediction, _ = Prediction.objects.update_or_create(
            round=prediction_round, invite=invite, defaults=values
        )
        return prediction
    assert member is not None
    values["team"] = Team.objects.filter(
        organization_id=member.organization_id, members=member
    ).first()
    prediction, _ = Prediction.objects.update_or_create(
        round=prediction_round, member=member, defaults=values
    )
    return prediction
