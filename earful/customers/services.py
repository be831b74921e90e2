"""Writes for customers: upsert one, import many. A rerun of the same data changes nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from earful.accounts.models import Organization
from earful.customers.models import Account, Customer, CustomerEvent
from earful.customers.signals import events_recorded
from earful.customers.validation import (
    CustomerRecord,
    EventRecord,
    FieldError,
    clean_customer,
    clean_event,
    clean_order,
    record_from_csv_row,
)

BATCH_SIZE = 500
_UPDATABLE = ("email", "name", "timezone", "locale", "account_id", "attributes")


class CustomerInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = True

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})


def _accounts_by_name(organization: Organization, names: set[str]) -> dict[str, Account]:
    names.discard("")
    found = {a.name: a for a in Account.objects.filter(organization=organization, name__in=names)}
    missing = [Account(organization=organization, name=n) for n in sorted(names - found.keys())]
    Account.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        found = {
            a.name: a for a in Account.objects.filter(organization=organization, name__in=names)
        }
    return found


def _apply(customer: Customer, record: CustomerRecord, account: Account | None) -> bool:
    """Copies the record onto the customer; True when anything changed."""
    values = {
        "email": record.email,
        "name": record.name,
        "timezone": record.timezone,
        "locale": record.locale,
        "account_id": account.pk if account else None,
        "attributes": record.attributes,
    }
    changed = any(getattr(customer, key) != value for key, value in values.items())
    for key, value in values.items():
        setattr(customer, key, value)
    return changed


def _write_batch(
    organization: Organization, records: list[CustomerRecord], report: ImportReport
) -> None:
    accounts = _accounts_by_name(organization, {r.account for r in records})
    existing = {
        c.external_id: c
        for c in Customer.objects.filter(
            organization=organization, external_id__in=[r.external_id for r in records]
        )
    }
    new, changed = [], []
    for record in records:
        customer = existing.get(record.external_id)
        if customer is None:
            customer = Customer(organization=organization, external_id=record.external_id)
            _apply(customer, record, accounts.get(record.account))
            new.append(customer)
        elif _apply(customer, record, accounts.get(record.account)):
            changed.append(customer)
        else:
            report.unchanged += 1
    now = timezone.now()
    for customer in changed:
        customer.updated_at = now  # bulk_update does not apply auto_now
    Customer.objects.bulk_create(new)
    Customer.objects.bulk_update(changed, [*_UPDATABLE, "updated_at"])
    report.created += len(new)
    report.updated += len(changed)


def _batches(items: Iterable[CustomerRecord]) -> Iterator[list[CustomerRecord]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def import_customers(
    *,
    organization: Organization,
    rows: Iterable[dict[str, Any]],
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validates every row, then upserts on external id in one transaction.

    By default one invalid row stops the import and nothing is written; with
    `skip_invalid` the valid rows land and the invalid ones are reported.
    Rows are numbered from 1 (the first data row).
    """
    report = ImportReport()
    records: dict[str, CustomerRecord] = {}
    first_seen: dict[str, int] = {}
    for number, data in enumerate(rows, start=1):
        record, errors = clean_customer(data)
        if record and record.external_id in first_seen:
            message = f"duplicate of row {first_seen[record.external_id]}"
            errors = [FieldError("external_id", message)]
        report.errors.extend(RowError(number, e.field, e.message) for e in errors)
        if record and not errors:
            records[record.external_id] = record
            first_seen[record.external_id] = number
        if progress:
            progress(number)
    if report.errors and not skip_invalid:
        report.applied = False
        return report
    with transaction.atomic():
        for batch in _batches(records.values()):
            _write_batch(organization, batch, report)
    return report


def upsert_customer(*, organization: Organization, data: dict[str, Any]) -> tuple[Customer, bool]:
    """Creates or updates one customer by external id. Returns (customer, created)."""
    record, errors = clean_customer(data)
    if record is None:
        raise CustomerInvalid(errors)
    report = import_customers(organization=organization, rows=[data])
    customer = Customer.objects.get(organization=organization, external_id=record.external_id)
    return customer, report.created == 1


def unsubscribe_customer(*, customer: Customer, now: datetime | None = None) -> Customer:
    """The customer asked for no more messages: from now on Earful sends them none.

    Idempotent: a second request keeps the first time."""
    Customer.objects.filter(pk=customer.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now or timezone.now()
    )
    customer.refresh_from_db(fields=["unsubscribed_at"])
    return customer


class CsvInvalid(ValueError):
    pass


def read_customer_csv(stream: io.TextIOBase | Iterable[str]) -> Iterator[dict[str, Any]]:
    """Rows of a customer CSV as records; the header must name an external_id column."""
    reader = csv.DictReader(stream)  # type: ignore[arg-type]
    try:
        header = reader.fieldnames or []
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CsvInvalid(f"file: not a readable CSV ({exc})") from None
    if "external_id" not in [h.strip() for h in header]:
        raise CsvInvalid("file: the header row must have an 'external_id' column")
    try:
        for row in reader:
            yield record_from_csv_row({(k or "").strip() or "": v for k, v in row.items()})
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CsvInvalid(f"file: unreadable at line {reader.line_num} ({exc})") from None


# Customer events -------------------------------------------------------------------------------


class EventInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def _announce_events(organization: Organization, customer_ids: Iterable[int] = ()) -> None:
    """After commit, tells listeners (journeys, health) that this organization has new events,
    and for whom (`customer_ids`, when known)."""
    ids = sorted(set(customer_ids))
    transaction.on_commit(
        lambda: events_recorded.send(
            sender=CustomerEvent, organization_id=organization.pk, customer_ids=ids
        )
    )


def record_event(*, organization: Organization, data: dict[str, Any]) -> tuple[CustomerEvent, bool]:
    """Records what a customer did. Idempotent on `key`: a retry returns the stored event.

    Returns (event, created). Raises EventInvalid for a bad record or an unknown customer.
    """
    record, errors = clean_event(data)
    if record is None:
        raise EventInvalid(errors)
    customer = Customer.objects.filter(
        organization=organization, external_id=record.customer
    ).first()
    if customer is None:
        raise EventInvalid([FieldError("customer", f"unknown customer '{record.customer}'")])
    if record.key:
        stored = CustomerEvent.objects.filter(organization=organization, key=record.key).first()
        if stored is not None:
            return stored, False
    try:
        with transaction.atomic():
            event = CustomerEvent.objects.create(
                organization=organization,
                customer=customer,
                name=record.name,
                occurred_at=record.occurred_at,
                key=record.key,
                type=record.type,
                amount=record.amount,
                order_id=record.order_id,
            )
            _announce_events(organization, [customer.pk])
    except IntegrityError:  # the same key, committed by a concurrent retry
        return CustomerEvent.objects.get(organization=organization, key=record.key), False
    return event, True


@dataclass
class EventImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = True
    customers_created: int = 0
    customer_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})


def _clean_event_rows(
    organization: Organization,
    rows: Iterable[dict[str, Any]],
    report: EventImportReport,
    progress: Callable[[int], None] | None,
    clean: Callable[[dict[str, Any]], tuple[EventRecord | None, list[FieldError]]] = clean_event,
    create_customers: bool = False,
) -> list[tuple[int, EventRecord]]:
    records: list[tuple[int, EventRecord]] = []
    for number, data in enumerate(rows, start=1):
        record, errors = clean(data)
        report.errors.extend(RowError(number, e.field, e.message) for e in errors)
        if record is not None:
            records.append((number, record))
        if progress:
            progress(number)
    known: set[str] = set()
    for start in range(0, len(records), BATCH_SIZE):
        refs = {r.customer for _, r in records[start : start + BATCH_SIZE]}
        known |= set(
            Customer.objects.filter(organization=organization, external_id__in=refs).values_list(
                "external_id", flat=True
            )
        )
    if create_customers:
        return [(n, r) for n, r in records if n not in {e.row for e in report.errors}]
    for number, record in records:
        if record.customer not in known:
            report.errors.append(
                RowError(number, "customer", f"unknown customer '{record.customer}'")
            )
    bad = {e.row for e in report.errors}
    return [(n, r) for n, r in records if n not in bad]


def _write_event_batch(
    organization: Organization, records: list[EventRecord], report: EventImportReport
) -> None:
    customers = dict(
        Customer.objects.filter(
            organization=organization, external_id__in={r.customer for r in records}
        ).values_list("external_id", "pk")
    )
    keys = {r.key for r in records if r.key}
    stored = set(
        CustomerEvent.objects.filter(organization=organization, key__in=keys).values_list(
            "key", flat=True
        )
    )
    seen: set[str] = set()
    new = []
    for record in records:
        if record.key and (record.key in stored or record.key in seen):
            report.unchanged += 1
            continue
        seen.add(record.key)
        new.append(
            CustomerEvent(
                organization=organization,
                customer_id=customers[record.customer],
                name=record.name,
                occurred_at=record.occurred_at,
                key=record.key,
                type=record.type,
                amount=record.amount,
                order_id=record.order_id,
            )
        )
    CustomerEvent.objects.bulk_create(new)
    report.created += len(new)
    report.customer_ids.update(e.customer_id for e in new)


def import_events(
    *,
    organization: Organization,
    rows: Iterable[dict[str, Any]],
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> EventImportReport:
    """Validates every row (customer, name, occurred_at, key), then adds the events.

    All or nothing unless `skip_invalid`. A row whose key is already stored is unchanged, so a
    rerun of the same file adds nothing; rows without a key are always added.
    """
    report = EventImportReport()
    valid = _clean_event_rows(organization, rows, report, progress)
    if report.errors and not skip_invalid:
        report.applied = False
        return report
    with transaction.atomic():
        for start in range(0, len(valid), BATCH_SIZE):
            _write_event_batch(
                organization, [r for _, r in valid[start : start + BATCH_SIZE]], report
            )
        if report.created:
            _announce_events(organization, report.customer_ids)
    return report


def _create_missing_customers(
    organization: Organization, records: list[EventRecord], report: EventImportReport
) -> None:
    """Orders bring their customers: an external id not seen before becomes a customer."""
    refs = sorted({r.customer for r in records})
    for start in range(0, len(refs), BATCH_SIZE):
        chunk = refs[start : start + BATCH_SIZE]
        known = set(
            Customer.objects.filter(organization=organization, external_id__in=chunk).values_list(
                "external_id", flat=True
            )
        )
        new = [Customer(organization=organization, external_id=r) for r in chunk if r not in known]
        Customer.objects.bulk_create(new)
        report.customers_created += len(new)


def import_orders(
    *,
    organization: Organization,
    rows: Iterable[dict[str, Any]],
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> EventImportReport:
    """Adds an order history: one purchase per order id (refunds as `type: refund`).

    Idempotent per order id: an order already stored is unchanged, so a history exported
    again and re-imported adds only the new orders. A customer not known yet is created from
    the order's customer id. All or nothing unless `skip_invalid`."""
    report = EventImportReport()
    valid = _clean_event_rows(
        organization, rows, report, progress, clean=clean_order, create_customers=True
    )
    if report.errors and not skip_invalid:
        report.applied = False
        return report
    with transaction.atomic():
        _create_missing_customers(organization, [r for _, r in valid], report)
        for start in range(0, len(valid), BATCH_SIZE):
            _write_event_batch(
                organization, [r for _, r in valid[start : start + BATCH_SIZE]], report
            )
        if report.created:
            _announce_events(organization, report.customer_ids)
    return report


def record_order(*, organization: Organization, data: dict[str, Any]) -> tuple[CustomerEvent, bool]:
    """One order (or refund) of the history; idempotent on its order id. (event, created)."""
    _, errors = clean_order(data)
    if errors:
        raise EventInvalid(errors)
    report = import_orders(organization=organization, rows=[data])
    kind = str(data.get("type") or "purchase").strip()
    key = f"{kind}:{str(data['order_id']).strip()}"
    return CustomerEvent.objects.get(organization=organization, key=key), report.created == 1


def read_order_csv(stream: io.TextIOBase | Iterable[str]) -> Iterator[dict[str, Any]]:
    """Rows of an order history CSV: order_id, customer, occurred_at, amount (type optional)."""
    reader = csv.DictReader(stream)  # type: ignore[arg-type]
    try:
        header = [h.strip() for h in reader.fieldnames or []]
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CsvInvalid(f"file: not a readable CSV ({exc})") from None
    missing = [c for c in ("order_id", "customer", "occurred_at", "amount") if c not in header]
    if missing:
        raise CsvInvalid(f"file: the header row must have the columns {', '.join(missing)}")
    try:
        for row in reader:
            yield {(k or "").strip(): (v or "").strip() for k, v in row.items()}
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CsvInvalid(f"file: unreadable at line {reader.line_num} ({exc})") from None


def read_event_csv(stream: io.TextIOBase | Iterable[str]) -> Iterator[dict[str, Any]]:
    """Rows of an events CSV; the header must name customer, name and occurred_at columns."""
    reader = csv.DictReader(stream)  # type: ignore[arg-type]
    try:
        header = [h.strip() for h in reader.fieldnames or []]
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CsvInvalid(f"file: not a readable CSV ({exc})") from None
    missing = [c for c in ("customer", "name", "occurred_at") if c not in header]
    if missing:
        raise CsvInvalid(f"file: the header row must have the columns {', '.join(missing)}")
    try:
        for row in reader:
            yield {(k or "").strip(): (v or "").strip() for k, v in row.items()}
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CsvInvalid(f"file: unreadable at line {reader.line_num} ({exc})") from None
