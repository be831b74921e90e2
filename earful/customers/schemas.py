from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class CustomerIn(Schema):
    external_id: str = Field(..., max_length=200)
    email: str = ""
    name: str = ""
    timezone: str = "UTC"
    locale: str = ""
    account: str = Field("", description="Company name (B2B account)")
    attributes: dict[str, Any] = {}


class CustomerOut(Schema):
    id: int
    external_id: str
    email: str
    name: str
    timezone: str
    locale: str
    account: str | None = Field(None, alias="account.name")
    attributes: dict[str, Any]


class RowErrorOut(Schema):
    row: int
    field: str
    message: str


class ImportReportOut(Schema):
    applied: bool
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[RowErrorOut]
