from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from earful.core.api_errors import Id

PARAMETERS_DOC = (
    "Per kind (defaults in brackets). detractor: nps_at_most [6], other_scales [true]; "
    "negative_review: stars_at_most [2]; theme_spike: min_increase_percent [100], "
    "min_mentions [10], baseline_weeks [8]; key_account_hesitant: none; viral_risk: "
    "engagements_per_hour [50], reach_per_hour [null: off], window_hours [2]"
)


class RuleIn(Schema):
    name: str
    kind: str = Field(
        ...,
        description="detractor | negative_review | theme_spike | key_account_hesitant | viral_risk",
    )
    parameters: dict[str, Any] = Field({}, description=PARAMETERS_DOC)
    destinations: list[Id] = Field([], description="Ids of destinations (see /destinations)")
    enabled: bool = True
    open_case: bool = Field(False, description="Also open a follow-up case (see /cases)")


class RulePatch(Schema):
    name: str | None = None
    parameters: dict[str, Any] | None = Field(
        None, description="Replaces the parameters; missing ones take their defaults"
    )
    destinations: list[Id] | None = None
    enabled: bool | None = None
    open_case: bool | None = None


class RuleOut(Schema):
    id: int
    name: str
    kind: str
    parameters: dict[str, Any]
    destinations: list[int]
    enabled: bool
    open_case: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_destinations(obj: Any) -> list[int]:
        return [d.pk for d in obj.destinations.all()]


class DestinationIn(Schema):
    name: str
    kind: str = Field(..., description="email | chat (Slack-compatible webhook) | webhook (signed)")
    emails: list[str] = Field([], description="email: the addresses")
    url: str = Field("", description="chat and webhook: the URL POSTed to")


class DestinationOut(Schema):
    id: int
    name: str
    kind: str
    emails: list[str]
    url: str
    enabled: bool


class DestinationCreatedOut(DestinationOut):
    secret: str = Field(
        ...,
        description=(
            "webhook: the signing secret of X-Earful-Signature (shown here and to editors on "
            "/alerts/destinations/)"
        ),
    )


class DeliveryOut(Schema):
    id: int
    destination: int = Field(..., alias="destination_id")
    status: str = Field(
        ..., description="pending | held (for the digest) | sending | sent | failed"
    )
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str
    idempotency_key: str
    digest: int | None = Field(None, alias="digest_id", description="held: the digest carrying it")


class AlertOut(Schema):
    id: int
    rule: int = Field(..., alias="rule_id")
    kind: str
    summary: str
    text: str
    link: str
    source_url: str
    fired_at: datetime
    item: int | None = Field(None, alias="item_id")
    response: int | None = Field(None, alias="response_id")
    theme: int | None = Field(None, alias="theme_id")
    details: dict[str, Any]
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_deliveries(obj: Any) -> list[Any]:
        return list(obj.deliveries.all())
