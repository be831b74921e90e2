from __future__ import annotations

from ninja import Field, Schema


class ScoreOut(Schema):
    kind: str
    value: float | None


class TiersOut(Schema):
    """Counts per tier; null when hidden (trustee surveys: fewer than 5 respondents)."""

    highly_satisfied: int | None
    satisfied: int | None
    dissatisfied: int | None


class SummaryOut(Schema):
    responses: int = Field(..., description="Responses with at least one answer, finished or not")
    finished: int | None = Field(..., description="Of those, the finished ones")
    unfinished: int | None = Field(..., description="Of those, the ones not finished (yet)")
    suppressed: bool = Field(
        ..., description="Trustee survey: some counts are null, groups of fewer than 5"
    )
    score: ScoreOut
    tiers: TiersOut
