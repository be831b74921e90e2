from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class EndpointIn(Schema):
    url: str = Field(max_length=500)
    event_types: list[str] = Field(default_factory=list, description="Empty: every type")
    description: str = Field("", max_length=200)


class EndpointPatch(Schema):
    url: str | None = Field(None, max_length=500)
    event_types: list[str] | None = None
    description: str | None = Field(None, max_length=200)
    enabled: bool | None = None


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str
    failing_since: datetime | None


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(description="Shown once: verify the webhook-signature header with it")


class DeliveryOut(Schema):
    id: int
    event_id: str = Field(alias="event.uid")
    event_type: str = Field(alias="event.type")
    status: str
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_status_code: int | None
    last_error: str


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next: int | None


class DeliveryParams(Schema):
    after: int = Field(0, ge=0, le=2**62)
    limit: int = Field(50, ge=1, le=500)
