from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field


class ResponseListParams(Schema):
    after: int = Field(0, ge=0, le=2**62, description="The `next` of the previous page")
    limit: int = Field(100, ge=1, le=1000)
    since: datetime | None = None
    until: datetime | None = None
    finished: bool | None = None


class ResponsePageOut(Schema):
    items: list[dict[str, Any]]
    next: int | None = Field(description="Pass as `after` for the next page; null: the last")
    withheld: str = Field(description="Why rows were held back (trustee mode); blank: none")


class ExportParams(Schema):
    format: Literal["csv", "jsonl"] = "csv"
    bom: bool = Field(False, description="CSV: start with a UTF-8 byte-order mark (Excel)")


class CustomerDataOut(Schema):
    summary: list[str]
    customer: dict[str, Any]
    events: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    feedback: list[dict[str, Any]]
    invitations: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    contact_decisions: list[dict[str, Any]]
    prize_draw_entries: list[dict[str, Any]]


class ErasureOut(Schema):
    erased_at: datetime
    rows: dict[str, int]


class AuditParams(Schema):
    action: str = Field("", max_length=80)
    actor: str = Field("", max_length=254)
    since: datetime | None = None
    after: int = Field(0, ge=0, le=2**62)
    limit: int = Field(100, ge=1, le=1000)


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str = Field(alias="actor_label")
    action: str
    target: str
    method: str
    path: str
    status: int | None
    address: str | None
    details: dict[str, Any]


class AuditPageOut(Schema):
    items: list[AuditEventOut]
    next: int | None
