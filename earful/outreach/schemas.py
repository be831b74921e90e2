from __future__ import annotations

from datetime import datetime, time

from ninja import Field, Schema

from earful.core.api_errors import LocalTime


class SegmentIn(Schema):
    attributes: dict[str, str] = Field({}, description="Customer attributes that must match")
    account: str = Field("", description="B2B account (company) name")
    event: str = Field("", description="Customers who had this event ...")
    event_within_days: int | None = Field(None, ge=0, description="... this recently (days)")


class InviteIn(Schema):
    customers: list[str] | None = Field(None, description="External ids of the customers")
    segment: SegmentIn | None = Field(None, description="Or: every customer in this segment")


class InviteOutcomeOut(Schema):
    customer: str
    status: str = Field(..., description="queued | skipped")
    reason: str
    send_after: datetime | None = None


class InviteReportOut(Schema):
    queued: int
    skipped: int
    results: list[InviteOutcomeOut]


class InvitationOut(Schema):
    id: int
    customer: str = Field(..., alias="customer.external_id")
    status: str
    created_at: datetime
    sent_at: datetime | None
    opened_at: datetime | None
    answered_at: datetime | None


class InvitationPage(Schema):
    count: int
    counts: dict[str, int | None] = Field(
        ..., description="By status; in a trustee survey 1 to 4 answered is null (fewer than 5)"
    )
    items: list[InvitationOut]


class OutreachSettingsIn(Schema):
    recontact_days: int = Field(30, ge=0, le=3650)
    reminder_after_days: int = Field(3, ge=0, le=365, description="0: no reminder")
    window_start: LocalTime = time(9, 0)
    window_end: LocalTime = time(18, 0)
    window_weekdays: str = Field("12345", description="ISO weekdays: 1 Monday ... 7 Sunday")
    subject: str = Field("", max_length=200)
    message: str = ""


class OutreachSettingsOut(OutreachSettingsIn):
    pass


class TriggerIn(Schema):
    event: str = Field(..., max_length=100, description="Customer event name, e.g. purchase")
    delay_hours: int = Field(24, ge=0, le=24 * 365)


class TriggerOut(Schema):
    id: int
    event: str = Field(..., alias="event_name")
    delay_hours: int
    active: bool
