from __future__ import annotations

from ninja import Schema


class ScoreOut(Schema):
    kind: str
    value: float | None


class TiersOut(Schema):
    highly_satisfied: int
    satisfied: int
    dissatisfied: int


class SummaryOut(Schema):
    responses: int
    score: ScoreOut
    tiers: TiersOut
