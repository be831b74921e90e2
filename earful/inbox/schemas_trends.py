"""Schemas of GET /api/v1/items/trends (earful/inbox/api_trends.py)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class TrendFiltersOut(Schema):
    channel: str = Field(..., description="survey, ticket, review, social, idea; blank: all")
    source: str = Field(..., description="The import source (zendesk, trustpilot ...); blank: all")
    theme: str = Field(..., description="A theme id, emerging or unthemed; blank: all")
    weeks: int = Field(..., description="Complete weeks in the period")
    recent_weeks: int = Field(..., description="The last weeks of the period: the recent window")
    until: date | None = Field(..., description="The period ends with the last week complete then")


class WindowOut(Schema):
    first: date = Field(..., description="First day (a Monday, UTC)")
    last: date = Field(..., description="Last day (a Sunday), included")


class VolumeSeriesOut(Schema):
    dimension: str = Field(..., description="all, channel, source or theme")
    key: str = Field(
        ...,
        description="all; the channel; the source (blank: recorded in Earful, no import source); "
        "the theme id, emerging (fits no theme) or unthemed (not themed yet)",
    )
    label: str
    channel: str = Field(..., description="A theme series limited to this channel; blank: all")
    weekly: list[int] = Field(..., description="Items per complete week, as `weeks`")
    this_week: int = Field(..., description="Items so far in the current week (not tested)")
    total: int = Field(..., description="Items in the period (complete weeks)")
    recent_rate: float = Field(..., description="Items a week in the recent window")
    baseline_rate: float = Field(..., description="Items a week in the baseline window")
    change: float | None = Field(
        ...,
        description="recent_rate / baseline_rate - 1 (0.38: +38%), the tested effect; null: "
        "too few items to test, or none in the baseline",
    )
    week_over_week: float | None = Field(
        ..., description="Last complete week / the week before - 1; null: none the week before"
    )
    slope: float | None = Field(
        ..., description="Least-squares slope over the recent window: items a week, per week"
    )
    p_value: float | None = Field(..., description="Exact Poisson test; null: too few to test")
    q_value: float | None = Field(..., description="Benjamini-Hochberg adjusted p-value")
    n_recent: int = Field(..., description="Items in the recent window")
    n_baseline: int = Field(..., description="Items in the baseline window")
    direction: str | None = Field(..., description="rising, falling, or null")
    items_url: str | None = Field(
        ..., description="The inbox listing exactly these items in the period (null: no filter)"
    )


class RequestTrendsOut(Schema):
    filters: TrendFiltersOut
    weeks: list[date] = Field(..., description="Mondays (UTC) of the complete weeks, oldest first")
    current_week: date = Field(..., description="Monday of the week still running")
    counted_until: datetime = Field(..., description="this_week counts items up to this moment")
    recent: WindowOut
    baseline: WindowOut
    test: str = Field(..., description="The test and the multiple-testing correction, in words")
    fdr: float = Field(..., description="False discovery rate controlled across all series")
    min_change: float = Field(..., description="Least relative change of the rate to report")
    min_items: int = Field(..., description="Least items in both windows for a series to be tested")
    tested: int = Field(..., description="Series tested together (the Benjamini-Hochberg family)")
    rising: list[VolumeSeriesOut] = Field(
        ..., description="Request types (themes, per channel and in all) rising, surest first"
    )
    falling: list[VolumeSeriesOut]
    series: list[VolumeSeriesOut] = Field(
        ..., description="Every series: all, per channel, per source, per theme, theme x channel"
    )
