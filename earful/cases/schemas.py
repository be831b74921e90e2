from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class DueOut(Schema):
    label: str = Field(..., description="First response | Resolution | blank")
    state: str = Field(..., description="ok | amber | red | met | paused | none")
    text: str = Field(..., description='"due in 3 h 10 min" in business time, "overdue by ..."')


class CaseOut(Schema):
    id: int
    title: str
    cause: str = Field(
        ...,
        description="detractor | negative_review | hesitant | theme_spike | viral_post | manual",
    )
    status: str = Field(
        ...,
        description="new | in_progress | waiting_on_customer | resolved | closed | reopened",
    )
    priority: str = Field(..., description="urgent | high | normal | low")
    owner: int | None = Field(None, alias="owner_id")
    customer: int | None = Field(None, alias="customer_id")
    anonymous: bool = Field(..., description="Trustee mode: nobody may see who")
    alert: int | None = Field(None, alias="alert_id")
    opened_at: datetime
    respond_by: datetime
    resolve_by: datetime = Field(..., description="Moved later by the time spent waiting")
    first_response_at: datetime | None
    first_response_minutes: int | None = Field(None, description="Business minutes")
    resolved_at: datetime | None
    resolution_minutes: int | None = Field(None, description="Business minutes, waiting left out")
    paused_minutes: int
    reopened_count: int
    due: DueOut | None = None


class NoteOut(Schema):
    id: int
    kind: str = Field(..., description="note | reply | status | system")
    text: str
    author: int | None = Field(None, alias="author_id")
    created_at: datetime


class ResolutionOut(Schema):
    what_was_done: str
    root_cause: str | None
    notes: str


class CaseDetailOut(CaseOut):
    items: list[int] = Field(..., description="Ids of the feedback items it is about")
    notes: list[NoteOut]
    resolution: ResolutionOut | None


class CaseIn(Schema):
    customer: int | None = Field(None, description="Open from a customer ...")
    item: int | None = Field(None, description="... or a feedback item ...")
    alert: int | None = Field(None, description="... or an alert")
    title: str = ""
    owner: int | None = Field(None, description="A member id; you when not given")
    priority: str | None = None


class CasePatch(Schema):
    owner: int | None = None
    priority: str | None = None


class NoteIn(Schema):
    text: str
    kind: str = Field("note", description="note (internal) | reply (a reply to the customer)")


class StatusIn(Schema):
    status: str
    note: str = ""
    what_was_done: str = Field("", description="Required to resolve")
    root_cause: int | None = Field(None, description="Resolving: an id from /cases/root-causes")
    resolution_notes: str = ""


class RootCauseIn(Schema):
    name: str


class RootCauseOut(Schema):
    id: int
    name: str
    active: bool


class CommitmentIn(Schema):
    customer: int
    case: int | None = None
    what: str
    owner: int | None = Field(None, description="A member id; you when not given")
    due_local: datetime = Field(
        ...,
        description="Wall-clock time where the customer is, without offset: 2026-03-09T10:00",
    )
    timezone: str | None = Field(None, description="IANA zone; the customer's when not given")


class CommitmentOut(Schema):
    id: int
    customer: int
    case: int | None
    what: str
    owner: int
    due_at: datetime = Field(..., description="UTC")
    timezone: str = Field(..., description="The zone it was promised in (the customer's)")
    due_customer_time: str = Field(..., description="Local, with offset")
    due_owner_time: str = Field(..., description="The owner's local time, with offset")
    owner_timezone: str
    reminder_at: datetime
    reminded_at: datetime | None
    outcome: str = Field(..., description="blank (open) | kept_early | kept | missed")
    done_at: datetime | None
    missed_reason: str
    overdue: bool


class OutcomeIn(Schema):
    outcome: str = Field(..., description="kept_early | kept | missed")
    done_at: datetime | None = Field(None, description="When it was done; now when not given")
    reason: str = Field("", description="Missed: why")


class OwnerNumbersOut(Schema):
    owner: int | None = Field(None, alias="owner_id", description="null: the whole team")
    owner_email: str = Field(..., alias="owner")
    cases: int
    resolved: int
    first_response_median: int | None = Field(None, description="Business minutes")
    first_response_p90: int | None
    resolution_median: int | None
    resolution_p90: int | None
    inside_target: float | None = Field(None, description="Percent of resolved cases")
    response_inside_target: float | None
    reopened_rate: float | None
    commitments_decided: int
    kept: int
    kept_early: int
    missed: int
    kept_rate: float | None = Field(None, description="Percent kept, early or on time")
    exceeded_rate: float | None = Field(None, description="Percent kept early")


class FollowUpOut(Schema):
    with_case: dict[str, int] = Field(..., description="Next answer's tier -> customers")
    without_case: dict[str, int]
    with_case_moved_up: float | None = Field(None, description="Percent satisfied or better")
    without_case_moved_up: float | None
    caveat: str


class NumbersOut(Schema):
    since: datetime
    until: datetime
    team: OwnerNumbersOut
    owners: list[OwnerNumbersOut]
    follow_up: FollowUpOut


def commitment_out(row: Any) -> dict[str, Any]:
    c = row.commitment
    return {
        "id": c.pk,
        "customer": c.customer_id,
        "case": c.case_id,
        "what": c.what,
        "owner": c.owner_id,
        "due_at": c.due_at,
        "timezone": c.timezone,
        "due_customer_time": row.customer_time.isoformat(),
        "due_owner_time": row.owner_time.isoformat(),
        "owner_timezone": row.owner_zone,
        "reminder_at": c.reminder_at,
        "reminded_at": c.reminded_at,
        "outcome": c.outcome,
        "done_at": c.done_at,
        "missed_reason": c.missed_reason,
        "overdue": row.overdue,
    }
