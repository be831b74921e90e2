"""/api/v1/feedback: feedback items with their enrichment, and how far enrichment is."""

from __future__ import annotations

from datetime import UTC, datetime
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


def _day_if_trustee(item: FeedbackItem, moment: datetime | None) -> datetime | None:
    """A trustee survey's item: midnight UTC of the day, never the exact time."""
    if moment is None or getattr(item, "trust_mode", None) != "trustee":
        return moment
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


class FeedbackItemOut(Schema):
    id: int
    channel: str
    source_key: str = Field(..., description="Where it came from, unique in the organization")
    customer: str | None = Field(
        None,
        description="The customer's external id, if known; never for a pseudonymous or "
        "trustee survey's item",
    )
    text: str
    score: int | None = Field(None, description="The score given with the text, if any")
    score_scale: str = Field(..., description='The score\'s range, "0-10", "1-5" ...; "" unknown')
    received_at: datetime = Field(..., description="Trustee survey items: the day only")
    status: Literal["pending", "analyzed", "failed"] = Field(
        ..., description="pending: not analyzed yet; failed: given up on, see enrichment_error"
    )
    analyzed_at: datetime | None = Field(None, description="Trustee survey items: the day only")
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
    def resolve_customer(item: FeedbackItem) -> str | None:
        if getattr(item, "trust_mode", None) in ("trustee", "pseudonymous"):
            return None
        return item.customer.external_id if item.customer is not None else None

    @staticmethod
    def resolve_received_at(item: FeedbackItem) -> datetime:
        return _day_if_trustee(item, item.received_at)  # type: ignore[return-value]

    @staticmethod
    def resolve_analyzed_at(item: FeedbackItem) -> datetime | None:
        return _day_if_trustee(item, item.analyzed_at)

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
    """The organization's feedback items, newest first, with sentiment and hesitancy. Needs a
    role that reads customers and what they wrote (not a viewer)."""
    member = api_member(request, Permission.VIEW_CUSTOMERS)
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
