"""/api/v1/feedback: feedback items with their enrichment, and how far enrichment is."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import MAX_ROWS, Offset
from earful.feedback.models import FeedbackItem
from earful.insights.selectors_feedback import feedback_progress, list_feedback

router = Router(tags=["feedback"])

ChannelName = Literal["survey", "ticket", "review", "social", "idea"]
SentimentName = Literal["negative", "neutral", "positive"]


class FeedbackItemOut(Schema):
    id: int
    channel: str
    source_key: str = Field(..., description="Where it came from, unique in the organization")
    customer: str | None = Field(
        None, alias="customer.external_id", description="The customer's external id, if known"
    )
    text: str
    score: int | None = Field(None, description="The score given with the text, if any")
    score_scale: str = Field(..., description='The score\'s range, "0-10", "1-5" ...; "" unknown')
    received_at: datetime
    status: Literal["pending", "analyzed", "failed"] = Field(
        ..., description="pending: not analyzed yet; failed: given up on, see enrichment_error"
    )
    analyzed_at: datetime | None
    sentiment: SentimentName | None
    sentiment_score: float | None = Field(
        None, description="P(positive) - P(negative), from -1 to 1"
    )
    hesitant: bool | None
    hesitancy_code: str | None = Field(
        None, description="high_score_negative, low_score_polite, ambivalent or hedging"
    )
    hesitancy_reason: str = Field(..., description='"code: explanation", "" when not hesitant')
    enrichment_error: str

    @staticmethod
    def resolve_status(item: FeedbackItem) -> str:
        return item.enrichment_status

    @staticmethod
    def resolve_sentiment(item: FeedbackItem) -> str | None:
        return item.sentiment or None

    @staticmethod
    def resolve_hesitancy_code(item: FeedbackItem) -> str | None:
        return item.hesitancy_code or None


class FeedbackPage(Schema):
    count: int
    items: list[FeedbackItemOut]


class FeedbackFilters(Schema):
    channel: ChannelName | None = None
    sentiment: SentimentName | None = None
    hesitant: bool | None = None
    limit: int = Field(100, ge=1, le=MAX_ROWS, description="At most 500")
    offset: Offset = 0


class PendingOut(Schema):
    pending: int = Field(..., description="Items waiting for analysis")
    analyzed: int = Field(..., description="Items analyzed")
    failed: int = Field(..., description="Items given up on after repeated errors")


@router.get("", response=FeedbackPage)
def list_feedback_items(request: HttpRequest, filters: Query[FeedbackFilters]) -> dict:
    """The organization's feedback items, newest first, with sentiment and hesitancy."""
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    items = list_feedback(
        member.organization,
        channel=filters.channel,
        sentiment=filters.sentiment,
        hesitant=filters.hesitant,
    )
    offset, limit = max(0, filters.offset), max(1, min(filters.limit, 500))
    return {"count": items.count(), "items": list(items[offset : offset + limit])}


@router.get("/pending", response=PendingOut)
def feedback_pending(request: HttpRequest) -> dict:
    """How many of the organization's items wait for analysis, and how many are analyzed."""
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    progress = feedback_progress(member.organization)
    return {"pending": progress.pending, "analyzed": progress.analyzed, "failed": progress.failed}
