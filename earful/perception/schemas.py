from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class TeamIn(Schema):
    name: str = Field(max_length=100)
    members: list[int] = Field(default_factory=list, max_length=1000)


class TeamOut(Schema):
    id: int
    name: str
    members: list[int]

    @staticmethod
    def resolve_members(team) -> list[int]:  # type: ignore[no-untyped-def]
        return [m.pk for m in team.members.all()]


class RoundIn(Schema):
    name: str = Field(max_length=150)
    survey: int = Field(ge=1, le=2**62)
    period_start: datetime
    period_end: datetime
    locks_at: datetime


class RoundOut(Schema):
    id: int
    name: str
    survey: int = Field(alias="survey_id")
    period_start: datetime
    period_end: datetime
    locks_at: datetime


class PredictionIn(Schema):
    score: Decimal = Field(description="The headline score you expect (NPS -100..100 ...)")
    highly_satisfied_pct: Decimal = Field(description="Share of customers highly satisfied, %")


class PredictionOut(Schema):
    id: int
    score: Decimal
    highly_satisfied_pct: Decimal
    team: str | None = Field(None, alias="team.name")


class InviteIn(Schema):
    name: str = Field(max_length=150)
    team: int | None = Field(None, ge=1, le=2**62)


class InviteOut(Schema):
    id: int
    name: str
    link: str


class EstimateOut(Schema):
    value: float | None
    low: float | None
    high: float | None
    n: int


class TeamGapOut(Schema):
    team: str
    score_gap: EstimateOut
    share_gap: EstimateOut


class GapOut(Schema):
    locked: bool
    responses: int
    withheld: str
    predicted_score: EstimateOut
    actual_score: EstimateOut
    score_gap: EstimateOut
    predicted_share: EstimateOut
    actual_share: EstimateOut
    share_gap: EstimateOut
    teams: list[TeamGapOut]
