from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, UploadedFile

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut, Id, Limit, Offset
from earful.customers import selectors, services
from earful.customers.models import Customer, CustomerEvent
from earful.customers.schemas import (
    CustomerIn,
    CustomerOut,
    EventImportReportOut,
    EventIn,
    EventOut,
    ImportReportOut,
    OrderImportReportOut,
    OrderIn,
)

router = Router(tags=["customers"])
events_router = Router(tags=["events"])
orders_router = Router(tags=["events"])


class ListParams(Schema):
    q: str = ""
    limit: Limit = 100
    offset: Offset = 0


class CustomerPage(Schema):
    count: int
    items: list[CustomerOut]


def _csv_import(
    file: UploadedFile, read: Any, run: Any, organization: Any, skip_invalid: bool
) -> tuple[int, dict]:
    """The one shape of the three CSV uploads: read the file, run the import, answer 200 with
    the report when it applied, 422 with it when it did not (or a bad file: 422 `file`)."""
    stream = io.TextIOWrapper(file.file, encoding="utf-8-sig")  # type: ignore[type-var]
    try:
        report = run(organization=organization, rows=read(stream), skip_invalid=skip_invalid)
    except services.CsvInvalid as exc:
        raise ApiInvalid([("file", str(exc).removeprefix("file: "))]) from exc
    body = {**report.__dict__, "rejected": report.rejected_rows}
    return (200 if report.applied else 422), body


@router.get("", response=CustomerPage)
def list_customers(request: HttpRequest, params: Query[ListParams]) -> dict:
    member = api_member(request, Permission.VIEW_CUSTOMERS)
    customers = selectors.list_customers(member.organization, search=params.q)
    limit = max(1, min(params.limit, 1000))
    offset = max(0, params.offset)
    return {"count": customers.count(), "items": list(customers[offset : offset + limit])}


@router.post("", response={200: CustomerOut, 201: CustomerOut, 422: ErrorOut})
def upsert_customer(request: HttpRequest, payload: CustomerIn) -> tuple[int, Customer]:
    """Creates the customer, or updates the one with the same external_id (201 / 200)."""
    member = api_member(request, Permission.IMPORT_CUSTOMERS)
    try:
        customer, created = services.upsert_customer(
            organization=member.organization, data=payload.dict()
        )
    except services.CustomerInvalid as exc:
        raise ApiInvalid((e.field, e.message) for e in exc.errors) from exc
    return (201 if created else 200), customer


@router.post("/import", response={200: ImportReportOut, 422: ImportReportOut | ErrorOut})
def import_customers(
    request: HttpRequest, file: File[UploadedFile], skip_invalid: bool = False
) -> tuple[int, dict]:
    """Upload a CSV (multipart field `file`). All-or-nothing unless `skip_invalid=true`."""
    member = api_member(request, Permission.IMPORT_CUSTOMERS)
    return _csv_import(
        file,
        services.read_customer_csv,
        services.import_customers,
        member.organization,
        skip_invalid,
    )


# After /import: a path parameter declared first would capture "import" (405 on POST).
@router.get("/{customer_id}", response=CustomerOut)
def get_customer(request: HttpRequest, customer_id: Id) -> Customer:
    member = api_member(request, Permission.VIEW_CUSTOMERS)
    return selectors.access_customer(member, customer_id)


def _plain(data: dict) -> dict:
    """An exact amount handed over as text (the validation reads text and numbers alike)."""
    amount = data.get("amount")
    return {**data, "amount": None if amount is None else str(amount)}


@events_router.post("", response={200: EventOut, 201: EventOut, 422: ErrorOut})
def record_event(request: HttpRequest, payload: EventIn) -> tuple[int, CustomerEvent]:
    """Records what a customer did (201), or returns the event stored with the same key (200)."""
    member = api_member(request, Permission.IMPORT_CUSTOMERS)
    try:
        event, created = services.record_event(
            organization=member.organization, data=_plain(payload.dict())
        )
    except services.EventInvalid as exc:
        raise ApiInvalid((e.field, e.message) for e in exc.errors) from exc
    return (201 if created else 200), event


@events_router.post(
    "/import", response={200: EventImportReportOut, 422: EventImportReportOut | ErrorOut}
)
def import_events(
    request: HttpRequest, file: File[UploadedFile], skip_invalid: bool = False
) -> tuple[int, dict]:
    """Upload a CSV of events (customer, name, occurred_at, key). All-or-nothing by default."""
    member = api_member(request, Permission.IMPORT_CUSTOMERS)
    return _csv_import(
        file, services.read_event_csv, services.import_events, member.organization, skip_invalid
    )


@orders_router.post("", response={200: EventOut, 201: EventOut, 422: ErrorOut})
def record_order(request: HttpRequest, payload: OrderIn) -> tuple[int, CustomerEvent]:
    """Records one order of the history (201), or returns the one stored with its id (200)."""
    member = api_member(request, Permission.IMPORT_CUSTOMERS)
    try:
        event, created = services.record_order(
            organization=member.organization, data=_plain(payload.dict())
        )
    except services.EventInvalid as exc:
        raise ApiInvalid((e.field, e.message) for e in exc.errors) from exc
    return (201 if created else 200), event


@orders_router.post(
    "/import", response={200: OrderImportReportOut, 422: OrderImportReportOut | ErrorOut}
)
def import_orders(
    request: HttpRequest, file: File[UploadedFile], skip_invalid: bool = False
) -> tuple[int, dict]:
    """Upload an order history CSV (order_id, customer, occurred_at, amount, type?).
    Idempotent per order id; new customers are created. All-or-nothing by default."""
    member = api_member(request, Permission.IMPORT_CUSTOMERS)
    return _csv_import(
        file, services.read_order_csv, services.import_orders, member.organization, skip_invalid
    )
