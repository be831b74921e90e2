from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

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


class EventIn(Schema):
    customer: str = Field(..., description="The customer's external id")
    name: str = Field(..., description="What happened: purchase, first_purchase, ticket_closed")
    occurred_at: str = Field(..., description="ISO 8601; without an offset it is read as UTC")
    key: str = Field("", description="Idempotency key: a retry with the same key adds nothing")
    type: Literal["purchase", "refund", "other", ""] = Field(
        "", description="purchase, refund or other; blank: from the name (purchase, refund)"
    )
    amount: Decimal | None = Field(None, description="A purchase's value, exact (49.90)")
    order_id: str = Field("", description="The order's id in the shop, if any")


class EventOut(Schema):
    id: int
    customer: str = Field(..., alias="customer.external_id")
    name: str
    occurred_at: datetime
    key: str
    type: str
    amount: Decimal | None
    order_id: str


class OrderIn(Schema):
    order_id: str = Field(..., description="The order's id in the shop: one purchase per id")
    customer: str = Field(..., description="The customer's external id (created if new)")
    occurred_at: str = Field(..., description="ISO 8601; without an offset it is read as UTC")
    amount: Decimal = Field(..., description="The order's value, exact (49.90)")
    type: Literal["purchase", "refund"] = Field(
        "purchase", description="refund: the order was refunded (its purchase stays)"
    )


class EventImportReportOut(Schema):
    applied: bool
    created: int
    unchanged: int
    rejected: int
    errors: list[RowErrorOut]


class OrderImportReportOut(EventImportReportOut):
    customers_created: int
