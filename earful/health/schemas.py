from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class ReasonOut(Schema):
    component: str
    points: int
    text: str = Field(..., description='"no order in 74 days, usually every 21"')


class HealthOut(Schema):
    customer_id: int
    external_id: str
    name: str
    score: int
    band: str
    trend: int = Field(..., description="Score now minus 30 days ago")
    reasons: list[ReasonOut]
    value_12m: Decimal
    orders_12m: int
    last_order_at: datetime | None
    rhythm_days: float | None
    tier: str
    last_touch_at: datetime | None
    computed_at: datetime


class HealthPage(Schema):
    items: list[HealthOut]


class FitOut(Schema):
    used: str = "default"
    why: str = ""
    trained_on: int = 0
    tested_on: int = 0
    auc_default: float | None = None
    auc_fitted: float | None = None
    calibration: list[list] = []
    weights: dict[str, float] = {}


class OverviewOut(Schema):
    bands: dict[str, int]
    total: int
    value_at_risk: Decimal
    fresh_at: datetime | None
    fit: FitOut


class HistoryPoint(Schema):
    day: date
    score: int


class CustomerHealthOut(Schema):
    health: HealthOut | None
    history: list[HistoryPoint]
    referral_link: str | None
    referred: int
    referred_bought: int
    loyalty_balance: int
    loyalty_level: str | None


class SaidFineOut(HealthOut):
    words: str = Field(..., description="What they said last")
    said_at: datetime | None
    lateness: float | None = Field(..., description="Days since the last order over the rhythm")


class SaidFinePage(Schema):
    items: list[SaidFineOut]


class RadarOut(HealthOut):
    days_since_touch: int | None
    suggestion: str
    budget_allows: bool
    refused_because: str


class RadarPage(Schema):
    items: list[RadarOut]


class SuperfanOut(HealthOut):
    reviews: int
    ideas: int
    referred: int
    referred_bought: int


class SuperfanPage(Schema):
    items: list[SuperfanOut]


class AccountHealthOut(Schema):
    id: int
    name: str
    score: int
    people: int
    value_12m: Decimal
    at_risk: int


class ThankIn(Schema):
    customer_ids: list[int] = Field(..., max_length=500)
    note: str = Field("", max_length=2000)


class ThankOutcomeOut(Schema):
    customer_id: int
    queued: bool
    reason: str


class ReferralStatsOut(Schema):
    links: int
    clicks: int
    signups: int
    bought: int
    conversion: float | None = Field(..., description="% of sign-ups who bought")


class ReferralLinkIn(Schema):
    customer_id: int


class ReferralLinkOut(Schema):
    customer_id: int
    code: str
    url: str


class SignupIn(Schema):
    code: str = Field(..., max_length=40)
    customer: str = Field(..., max_length=200, description="The new customer's external id")


class SignupOut(Schema):
    referrer_id: int
    referred_id: int
    signed_up_at: datetime


class PolicyOut(Schema):
    audience: str
    allowed: bool
    reason: str


class EntryOut(Schema):
    points: int
    reason: str
    occurred_at: datetime


class LoyaltyOut(Schema):
    customer_id: int
    balance: int
    level: str | None
    next_level: str | None
    to_next: int | None
    page_url: str
    ledger: list[EntryOut]


class AdjustIn(Schema):
    points: int
    kind: str = Field(..., description="goodwill; survey_answer and review are refused")
    reason: str = Field(..., max_length=200)


class LevelIo(Schema):
    name: str = Field(..., max_length=60)
    threshold: int = Field(..., ge=0)
    benefits: str = ""


class ProgramIo(Schema):
    enabled: bool = True
    points_per_unit: Decimal = Field(Decimal(1), ge=0, le=1000, decimal_places=2)
    points_per_order: int = Field(10, ge=0, le=100000)
    first_order_bonus: int = Field(50, ge=0, le=100000)
    every_nth_order: int = Field(5, ge=0, le=1000)
    nth_order_bonus: int = Field(100, ge=0, le=100000)
    levels: list[LevelIo] = []
