from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class IdeaOut(Schema):
    id: int
    title: str
    description: str
    status: str
    staff_response: str
    vote_count: int
    comment_count: int
    demand: float
    hidden: bool
    locked: bool
    spam: bool
    merged_into: int | None = Field(None, alias="merged_into_id")
    feedback_item: int | None = Field(None, alias="feedback_item_id")
    created_at: datetime
    shipped_at: datetime | None


class PublicIdeaOut(Schema):
    id: int
    title: str
    description: str
    status: str
    staff_response: str
    vote_count: int
    comment_count: int
    created_at: datetime


class IdeaPatch(Schema):
    status: str | None = Field(
        None, description="open | planned | in_progress | declined (shipped: /ship)"
    )
    staff_response: str | None = None
    hidden: bool | None = None
    locked: bool | None = None
    spam: bool | None = None


class MergeIn(Schema):
    into: int = Field(..., description="The idea that keeps the votes, followers and comments")


class LinkIn(Schema):
    item_ids: list[int] = Field(..., description="Feedback items (survey comments, tickets ...)")
    from_suggestion: bool = False


class LinkedItemOut(Schema):
    id: int
    channel: str
    text: str
    customer: int | None = Field(None, alias="customer_id")
    received_at: datetime


class SuggestionOut(Schema):
    item: LinkedItemOut
    score: float


class ShipIn(Schema):
    subject: str
    body: str
    translations: dict[str, dict[str, str]] = Field(
        {}, description='Per language: {"fr": {"subject": "...", "body": "..."}}'
    )
    staff_response: str | None = None


class DeliveryOut(Schema):
    customer: int = Field(..., alias="customer_id")
    asked: str = Field(..., description="author | voter | follower | linked")
    state: str = Field(..., description="queued | deferred (digest later) | skipped | digested")
    reason_code: str
    reason: str
    message: int | None = Field(None, alias="message_id")


class ReleaseNoteOut(Schema):
    idea: int = Field(..., alias="idea_id")
    subject: str
    body: str
    sent_at: datetime
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_deliveries(obj: object) -> list[object]:
        return list(obj.deliveries.order_by("id"))  # type: ignore[attr-defined]


class ResultsIn(Schema):
    published: bool | None = None
    show_score: bool | None = None
    show_tiers: bool | None = None
    show_themes: bool | None = None
    changes: str | None = Field(None, description="What we're changing")


class ResultsSettingsOut(Schema):
    survey: int = Field(..., alias="survey_id")
    public_id: str
    published: bool
    show_score: bool
    show_tiers: bool
    show_themes: bool
    changes: str


class PublicResultsOut(Schema):
    title: str
    kind: str
    responses: int | None = Field(None, description="null: fewer than 5")
    score: float | None
    tiers: dict[str, int] | None
    themes: list[tuple[str, int]]
    changes: str


class DrawIn(Schema):
    prize: str
    beacon_name: str = Field(..., description="A future public value, named in advance")
    eligibility: str = Field(
        "everyone", description="Only `everyone`: rewards tied to answers or reviews are refused"
    )


class BeaconIn(Schema):
    beacon_value: str


class NewIdeaIn(Schema):
    who: str = Field(..., description="The signed customer value of a board link (`who`)")
    title: str
    description: str = ""


class WhoIn(Schema):
    who: str


class VoteOut(Schema):
    added: bool
    vote_count: int


class SimilarOut(Schema):
    id: int
    title: str
    status: str
    vote_count: int
    score: float
    how: str = Field(..., description="embedding | words")
