"""Schemas of the statistics endpoints: movement, trends, drivers (earful/insights/api_stats.py)."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class ShareOut(Schema):
    count: int
    n: int
    share: float | None = Field(..., description="count / n, 0-1; null when n is 0")
    low: float | None = Field(..., description="Wilson 95% interval, lower end")
    high: float | None = Field(..., description="Wilson 95% interval, upper end")


class TierCountsOut(Schema):
    dissatisfied: int
    satisfied: int
    highly_satisfied: int


class MovementOut(Schema):
    period_a: str = Field(..., description="First period, YYYY-MM-DD..YYYY-MM-DD, both included")
    period_b: str
    levels: list[str] = Field(..., description="Row and column order of the matrix, low to high")
    matrix: list[list[int]] = Field(
        ..., description="matrix[i][j]: customers at levels[i] in period A and levels[j] in B"
    )
    row_shares: list[list[float | None]] = Field(
        ..., description="Each row as shares of its total; null for an empty row"
    )
    customers: int = Field(..., description="Customers with a tier in both periods")
    only_a: int = Field(..., description="Customers with a tier in period A only")
    only_b: int = Field(..., description="Customers with a tier in period B only")
    tiers_a: TierCountsOut = Field(..., description="Customers per tier in A (latest answer)")
    tiers_b: TierCountsOut
    moved_up: ShareOut = Field(..., description="Moved up one or two levels: the headline")
    stayed: ShareOut
    moved_down: ShareOut
    moved_up_of_eligible: ShareOut = Field(
        ..., description="Moved up, of those not already highly satisfied in A"
    )
    anonymous_responses: int = Field(
        ..., description="Scored responses left out: no customer known (trustee surveys, no id)"
    )


class SeriesOut(Schema):
    dimension: str = Field(
        ...,
        description="all, survey, channel, account, plan, region, theme, feedback_channel, "
        "feedback_theme",
    )
    group: str
    metric: str = Field(..., description="score, highly_satisfied, dissatisfied (%), volume")
    kind: str = Field(..., description="The score's kind (nps, csat, ces, rating), share, count")
    weekly: list[float | None] = Field(..., description="One value per week; null: too few")
    recent: float | None = Field(..., description="Recent window: mean, or responses per week")
    baseline: float | None
    effect: float | None = Field(
        ..., description="Score: recent - baseline; volume: relative change of the weekly rate"
    )
    p_value: float | None = Field(..., description="null: not tested, too little data")
    q_value: float | None = Field(..., description="Benjamini-Hochberg adjusted p-value")
    n_recent: int
    n_baseline: int
    direction: str | None = Field(..., description="rising, falling, or null")


class ContributionOut(Schema):
    group: str
    share_a: float
    share_b: float
    score_a: float | None
    score_b: float | None
    rate: float = Field(..., description="The group's own change, weighted by its share")
    mix: float = Field(..., description="The group growing or shrinking, above or below average")
    total: float = Field(..., description="rate + mix; all groups' totals add up to the change")


class DecompositionOut(Schema):
    dimension: str
    contributions: list[ContributionOut]


class ChangeOut(Schema):
    period_a: str
    period_b: str
    score_a: float
    score_b: float
    change: float
    sentence: str = Field(..., description='e.g. "NPS fell 6.0 points: 4.1 from Delivery."')
    by: list[DecompositionOut]


class TrendsOut(Schema):
    weeks: list[date] = Field(..., description="Mondays (UTC) of the weekly values")
    recent_weeks: int
    baseline_weeks: int
    fdr: float = Field(..., description="False discovery rate of the rising/falling findings")
    findings: list[SeriesOut] = Field(..., description="Rising and falling series, surest first")
    series: list[SeriesOut]
    change: ChangeOut | None = Field(..., description="With a survey: what changed, and why")


class DriverOut(Schema):
    kind: str = Field(..., description="question or theme")
    key: str
    label: str
    status: str = Field(..., description="ranked, or too_little_data")
    observations: int = Field(..., description="Responses mentioning the theme / answering")
    rank: int | None
    weight: float | None = Field(..., description="Relative weight: part of R², 0-1")
    share: float | None = Field(..., description="weight / R²: part of what is explained")
    low: float | None = Field(..., description="95% bootstrap interval of the weight")
    high: float | None
    beyond_noise_low: float | None = Field(
        ..., description="95% interval of weight minus a random predictor's weight"
    )
    beyond_noise_high: float | None
    clear: bool = Field(..., description="beyond_noise_low > 0: more than noise")
    direction: int | None = Field(..., description="1: goes with a higher score, -1: lower")


class DriversOut(Schema):
    survey: int
    score_question: str | None = Field(..., description="Key of the score being explained")
    responses: int = Field(..., description="Complete responses in the model")
    r_squared: float | None
    resamples: int
    confidence: float
    min_observations: int
    drivers: list[DriverOut]
