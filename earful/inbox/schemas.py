"""What /api/v1/items takes and answers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from ninja import Field, Schema

from earful.feedback.models import FeedbackItem
from earful.inbox.selectors import MAX_PAGE_SIZE, PAGE_SIZE

TierName = Literal["dissatisfied", "satisfied", "highly_satisfied"]


class ItemParams(Schema):
    """The inbox's filters, as on the page (/inbox/?...): one parser reads both. Each is
    optional; a value that cannot be read answers 422 naming the parameter."""

    q: str | None = Field(
        None,
        description="Full-text search of title, text and author: every word must appear; "
        '"words in quotes" as a phrase; the last word also matches longer words (refun finds '
        "refund). Punctuation only separates words. At most 500 characters.",
    )
    channel: str | None = Field(None, description="survey, ticket, review, social or idea")
    source: str | None = Field(None, description="An imported item's source: zendesk, trustpilot")
    sentiment: str | None = Field(None, description="negative, neutral or positive")
    theme: str | None = Field(
        None, description="An active theme's id, or `emerging`: analyzed items with no theme yet"
    )
    tier: str | None = Field(
        None,
        description="The customer's current tier (from their latest scored survey answer): "
        "dissatisfied, satisfied or highly_satisfied",
    )
    customer: str | None = Field(None, description="A customer's id (GET /api/v1/customers)")
    account: str | None = Field(None, description="An account's id: items of its customers")
    since: str | None = Field(None, description="Received on or after this day, YYYY-MM-DD (UTC)")
    until: str | None = Field(None, description="Received on or before this day, YYYY-MM-DD (UTC)")
    rating: str | None = Field(
        None, description="The item's score: `5`, or a range `1-2` (stars for reviews)"
    )
    hesitant: str | None = Field(None, description="yes or no")
    status: str | None = Field(
        None, description="Analysis: pending (not yet), analyzed, or failed (given up on)"
    )
    after: str | None = Field(None, description="A `next_cursor`: the page of older items")
    before: str | None = Field(None, description="A `previous_cursor`: the page of newer items")
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page")


class CustomerRefOut(Schema):
    id: int
    external_id: str
    name: str


class RefOut(Schema):
    id: int
    name: str


def _customer(item: FeedbackItem) -> Any:
    """Nobody sees who wrote a trustee or pseudonymous survey's item (they name no customer)."""
    if getattr(item, "trust_mode", None) in ("trustee", "pseudonymous"):
        return None
    return item.customer


class ItemOut(Schema):
    id: int
    channel: str
    source: str = Field(..., description='The source it was imported from; "" for survey items')
    external_id: str = Field(..., description="The id the source gave it")
    title: str
    text: str
    author: str = Field(..., description="The public name on a review or post (not a customer)")
    url: str
    score: int | None
    score_scale: str = Field(..., description='The score\'s range, "0-10", "1-5" ...; "" unknown')
    received_at: datetime = Field(..., description="Trustee survey items: the day only")
    customer: CustomerRefOut | None
    account: RefOut | None
    customer_tier: TierName | None = Field(
        None, description="The customer's current tier (their latest scored survey answer)"
    )
    survey: str | None = Field(None, description="The survey a survey item answered")
    trust_mode: str | None = Field(
        None, description="A survey item's trust mode; trustee and pseudonymous name no customer"
    )
    respondent_code: str | None = Field(None, description="Pseudonymous surveys: the code")
    answer_tier: TierName | None = Field(None, description="A survey item: its answer's tier")
    status: Literal["pending", "analyzed", "failed"] = Field(
        ..., description="Analysis: pending (not yet), analyzed, failed (given up on)"
    )
    sentiment: Literal["negative", "neutral", "positive"] | None
    sentiment_score: float | None = Field(None, description="From -1 to 1")
    hesitant: bool | None
    hesitancy_code: str | None
    hesitancy_reason: str = Field(..., description='"code: explanation", "" when not hesitant')
    theme: RefOut | None = Field(None, description="Its active theme; null: none (yet)")

    @staticmethod
    def resolve_customer(item: FeedbackItem) -> Any:
        return _customer(item)

    @staticmethod
    def resolve_received_at(item: FeedbackItem) -> datetime:
        """A trustee survey's item: its day only (midnight UTC), as on the page."""
        if getattr(item, "trust_mode", None) == "trustee":
            return item.received_at.astimezone(UTC).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
        return item.received_at

    @staticmethod
    def resolve_account(item: FeedbackItem) -> Any:
        customer = _customer(item)
        return customer.account if customer is not None else None

    @staticmethod
    def resolve_survey(item: FeedbackItem) -> str | None:
        return getattr(item, "survey_title", None)

    @staticmethod
    def resolve_respondent_code(item: FeedbackItem) -> str | None:
        return getattr(item, "code", None) or None

    @staticmethod
    def resolve_answer_tier(item: FeedbackItem) -> str | None:
        return getattr(item, "response_tier", None) or None

    @staticmethod
    def resolve_status(item: FeedbackItem) -> str:
        return item.enrichment_status

    @staticmethod
    def resolve_sentiment(item: FeedbackItem) -> str | None:
        return item.sentiment or None

    @staticmethod
    def resolve_hesitancy_code(item: FeedbackItem) -> str | None:
        return item.hesitancy_code or None

    @staticmethod
    def resolve_theme(item: FeedbackItem) -> dict[str, Any] | None:
        link = getattr(item, "theme_link", None)
        theme = link.theme if link is not None else None
        if theme is None or theme.status != "active":
            return None
        return {"id": theme.pk, "name": theme.name}


class TimelineEntryOut(Schema):
    kind: Literal["item", "answer", "event", "invitation"]
    at: datetime
    title: str
    detail: str
    object_id: int | None = Field(None, description="The item's, answer's, event's ... id")
    url: str = Field(..., description="Its page in Earful; empty when it has none")
    current: bool = Field(..., description="This is the item asked for")


class ItemDetailOut(ItemOut):
    metadata: dict[str, Any] = Field(..., description="What the source said beyond the columns")
    analyzed_at: datetime | None = Field(None, description="Trustee survey items: the day only")
    enrichment_error: str
    timeline: list[TimelineEntryOut] | None = Field(
        None,
        description="The customer's history on every channel, newest first; null without a "
        "customer or when the token's role may not read customers",
    )

    @staticmethod
    def resolve_analyzed_at(item: FeedbackItem) -> datetime | None:
        if item.analyzed_at is None or getattr(item, "trust_mode", None) != "trustee":
            return item.analyzed_at
        return item.analyzed_at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


class ItemPageOut(Schema):
    items: list[ItemOut]
    next_cursor: str | None = Field(
        None, description="Pass as `after` for the next page (older items); null: the last page"
    )
    previous_cursor: str | None = Field(
        None, description="Pass as `before` for the page of newer items; null: the first page"
    )
    hidden: int = Field(
        ...,
        description="Items of trustee surveys left out: fewer than 5 matched, which could "
        "point at who wrote them",
    )
