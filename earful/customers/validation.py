"""Pure validation of one customer record (from CSV or JSON). No database access."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from earful.core.text import TextInvalid, clean_json

CORE_FIELDS = ("external_id", "email", "name", "timezone", "locale", "account")
_LOCALE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z]{2}|[-_][A-Za-z]{4}|[-_]\d{3})?$")
_MAX_ATTRIBUTES = 50


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass
class CustomerRecord:
    external_id: str
    email: str = ""
    name: str = ""
    timezone: str = "UTC"
    locale: str = ""
    account: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def _check_attributes(value: Any) -> list[FieldError]:
    if not isinstance(value, dict):
        return [FieldError("attributes", "must be an object of names to values")]
    if len(value) > _MAX_ATTRIBUTES:
        return [FieldError("attributes", f"at most {_MAX_ATTRIBUTES} attributes")]
    return [
        FieldError(f"attributes.{name}", "must be text, a number, true/false or empty")
        for name, item in value.items()
        if not isinstance(item, str | int | float | bool | None)
    ]


def clean_customer(data: dict[str, Any]) -> tuple[CustomerRecord | None, list[FieldError]]:
    """Checks one record; returns the cleaned record, or None and every error found."""
    try:
        data = clean_json(data)  # every text NFC; a NUL or a lone surrogate is refused
    except TextInvalid as exc:
        return None, [FieldError(exc.field, exc.reason)]
    record = CustomerRecord(
        external_id=_text(data, "external_id"),
        email=_text(data, "email").lower(),
        name=_text(data, "name"),
        timezone=_text(data, "timezone") or "UTC",
        locale=_text(data, "locale"),
        account=_text(data, "account"),
        attributes=data.get("attributes") or {},
    )
    errors = _check_attributes(record.attributes)
    if not record.external_id:
        errors.append(FieldError("external_id", "required"))
    elif len(record.external_id) > 200:
        errors.append(FieldError("external_id", "at most 200 characters"))
    if record.email:
        try:
            validate_email(record.email)
        except ValidationError:
            errors.append(FieldError("email", f"'{record.email}' is not an email address"))
    if len(record.name) > 200:
        errors.append(FieldError("name", "at most 200 characters"))
    if record.timezone not in _zones():
        errors.append(
            FieldError("timezone", f"'{record.timezone}' is not an IANA time zone (Europe/Paris)")
        )
    if record.locale and not _LOCALE.match(record.locale):
        errors.append(FieldError("locale", f"'{record.locale}' is not a locale (en, fr-CA)"))
    if len(record.account) > 200:
        errors.append(FieldError("account", "at most 200 characters"))
    return (None, errors) if errors else (record, [])


def record_from_csv_row(row: dict[str, str | None]) -> dict[str, Any]:
    """Known columns map to fields; every other non-empty column becomes an attribute."""
    data: dict[str, Any] = {key: row.get(key) for key in CORE_FIELDS}
    data["attributes"] = {
        key.strip(): value.strip()
        for key, value in row.items()
        if key and key.strip() not in CORE_FIELDS and value not in (None, "")
    }
    return data


_EVENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")


EVENT_TYPES = ("purchase", "refund", "other")
_PURCHASE_NAMES = frozenset({"purchase", "first_purchase", "order", "renewal"})
_REFUND_NAMES = frozenset({"refund", "order_refunded"})
_MAX_AMOUNT = Decimal("999999999999.99")


@dataclass(frozen=True)
class EventRecord:
    customer: str
    name: str
    occurred_at: datetime
    key: str = ""
    type: str = "other"
    amount: Decimal | None = None
    order_id: str = ""


def type_for_name(name: str) -> str:
    """The type an event has when none is given: purchases and refunds by their usual names."""
    if name in _PURCHASE_NAMES:
        return "purchase"
    return "refund" if name in _REFUND_NAMES else "other"


def clean_amount(value: Any) -> tuple[Decimal | None, str]:
    """An exact amount (text or number, at most 2 decimals, not negative); (None, "") if empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, bool):
        return None, f"'{value}' is not an amount (e.g. 49.90)"
    if isinstance(value, float):
        value = repr(value)  # a JSON number: its shortest text, never the binary float
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None, f"'{value}' is not an amount (e.g. 49.90)"
    if not amount.is_finite() or amount < 0 or amount > _MAX_AMOUNT:
        return None, "must be a positive amount below a trillion"
    if amount != amount.quantize(Decimal("0.01")):
        return None, "at most 2 decimals"
    return amount.quantize(Decimal("0.01")), ""


def _moment(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601 text (or a datetime); a naive one is read as UTC."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clean_event(data: dict[str, Any]) -> tuple[EventRecord | None, list[FieldError]]:
    """Checks one customer event: {customer, name, occurred_at, key?, type?, amount?,
    order_id?}. Without a type, `purchase` and `refund` names give theirs (else `other`)."""
    try:
        data = clean_json(data)  # as `clean_customer`
    except TextInvalid as exc:
        return None, [FieldError(exc.field, exc.reason)]
    errors = []
    customer, name, key = _text(data, "customer"), _text(data, "name"), _text(data, "key")
    kind = _text(data, "type") or type_for_name(name)
    if kind not in EVENT_TYPES:
        errors.append(FieldError("type", f"one of {', '.join(EVENT_TYPES)}"))
    amount, problem = clean_amount(data.get("amount"))
    if problem:
        errors.append(FieldError("amount", problem))
    order_id = _text(data, "order_id")
    if len(order_id) > 200:
        errors.append(FieldError("order_id", "at most 200 characters"))
    if not customer:
        errors.append(FieldError("customer", "required (the customer's external id)"))
    if not _EVENT_NAME.match(name):
        errors.append(
            FieldError("name", "required: letters, digits, _ . : - (at most 100), e.g. purchase")
        )
    occurred_at = _moment(data.get("occurred_at")) if data.get("occurred_at") else None
    if occurred_at is None:
        errors.append(
            FieldError("occurred_at", "required: an ISO 8601 time, e.g. 2025-03-01T14:30:00Z")
        )
    if len(key) > 200:
        errors.append(FieldError("key", "at most 200 characters"))
    if errors or occurred_at is None:
        return None, errors
    record = EventRecord(
        customer=customer,
        name=name,
        occurred_at=occurred_at,
        key=key,
        type=kind,
        amount=amount,
        order_id=order_id,
    )
    return record, []


def clean_order(data: dict[str, Any]) -> tuple[EventRecord | None, list[FieldError]]:
    """One line of an order history: {order_id, customer, occurred_at, amount, type?}.

    An order is a purchase (or its refund, `type: refund`); its key is made from the order id,
    so importing the same history twice adds nothing."""
    order_id = _text(data, "order_id")
    kind = _text(data, "type") or "purchase"
    errors = []
    if not order_id:
        errors.append(FieldError("order_id", "required: the order's id in the shop"))
    if kind not in ("purchase", "refund"):
        errors.append(FieldError("type", "purchase or refund"))
    if data.get("amount") in (None, ""):
        errors.append(FieldError("amount", "required: the order's value, e.g. 49.90"))
    event = {
        **data,
        "name": _text(data, "name") or ("order" if kind == "purchase" else "refund"),
        "type": kind,
        "key": f"{kind}:{order_id}",
    }
    record, more = clean_event(event)
    errors += more
    return (None, errors) if errors else (record, [])
