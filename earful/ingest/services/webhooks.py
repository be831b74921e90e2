"""Inbound webhooks: a source's tool POSTs its tickets, reviews or posts to
`/hooks/<source>/<connection id>/`, signed with the connection's secret (docs/user/webhooks.md;
the secret and the address come from `services.connections`).

1. `receive_webhook` checks the request and stores it as an accepted WebhookReceipt (its JSON
   body included) before the request is answered; a refused one is stored with its reason (no
   body) and logged. On commit the `process_webhook_receipt` task is enqueued.
2. `record_receipt` (the task) maps the body with the source (`webhook_records`, `to_record`)
   and writes the records with `upsert_records`, in the transaction that sets `processed_at`:
   a second run finds it processed and does nothing. A record that cannot be mapped is named
   in `process_error`; the others land.
3. `sweep_webhooks` (`earful webhooks-sweep`, and the worker's periodic sweep) records every
   accepted receipt a lost task left unprocessed, and forgets refused ones after a while.

The signature, in the `X-Earful-Signature` header: `t=<unix seconds>,v1=<hex>`, where hex is
HMAC-SHA256 of `<t>.<raw body>` keyed with the connection's webhook secret. A request is refused
(401) when the signature is missing, malformed or wrong, when `t` is more than
EARFUL_WEBHOOK_TOLERANCE_SECONDS away from now, and (409) when the signature was accepted once
already (a replay; the constraint `webhook_signature_once` holds it under races too).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from earful.accounts.models import Organization
from earful.core import env
from earful.core.periodic import start_periodic
from earful.core.text import TextInvalid, clean_json
from earful.ingest.models import SourceConnection, WebhookReceipt
from earful.ingest.services.upserting import UpsertCounts, check_record, upsert_records
from earful.ingest.sources import get_source
from earful.ingest.sources.base import Record

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Earful-Signature"
TOLERANCE_SECONDS = env.get_int("EARFUL_WEBHOOK_TOLERANCE_SECONDS", 300, minimum=1)
MAX_BODY_BYTES = 1024 * 1024
SETTLE_SECONDS = 60  # the sweep leaves a receipt this young to its task
REFUSED_KEPT_DAYS = 30  # refused receipts are kept this long (a forger can send many)

Status = WebhookReceipt.Status
Refuse = Callable[[int, str, str], "WebhookRefused"]  # (status, field, reason)


class WebhookRefused(Exception):
    """A request that is not stored: the HTTP status, the field at fault and why."""

    def __init__(self, status: int, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.status = status
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class RecordedReceipt:
    """What `record_receipt` did with one receipt."""

    counts: UpsertCounts
    errors: tuple[str, ...] = ()  # "record 3: rating: 7 is outside 1-5"


def sign_webhook(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The `X-Earful-Signature` value for `body` (what a sender computes; tests and docs)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={_digest(secret, stamp, body)}"


def receive_webhook(
    *,
    source_name: str,
    connection_id: int,
    signature: str,
    body: bytes | None,
    remote_addr: str = "",
) -> WebhookReceipt:
    """Checks one inbound request and stores it as an accepted receipt; its task runs once this
    commits. `body` None: the request was larger than MAX_BODY_BYTES and was not read.

    Raises WebhookRefused (404, 413, 401, 409, 400) after storing a refused receipt and
    logging it."""
    connection = _connection(source_name, connection_id)
    refused = partial(_refuse, source_name, connection, remote_addr)
    if connection is None:
        raise refused(404, "connection", "no such webhook (unknown, disabled or without secret)")
    if body is None or len(body) > MAX_BODY_BYTES:
        raise refused(413, "body", f"larger than {MAX_BODY_BYTES} bytes")
    digest = _verified(connection.webhook_secret, signature, body, refused)
    try:
        payload = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:  # JSON and UTF-8 errors are ValueErrors
        raise refused(400, "body", f"not JSON: {error}") from None
    try:
        payload = clean_json(payload)  # core.text: NFC; NULs and lone surrogates refused
    except TextInvalid as error:
        where = "body" if error.field == "body" else f"body.{error.field}"
        raise refused(400 if where == "body" else 422, where, error.reason) from None
    try:
        with transaction.atomic():
            receipt = WebhookReceipt.objects.create(
                organization_id=connection.organization_id,
                connection=connection,
                source=connection.source,
                status=Status.ACCEPTED,
                signature=digest,
                body=payload,
            )
    except IntegrityError:  # `webhook_signature_once`: this very request was accepted before
        raise refused(409, "signature", "accepted once already: a replay") from None
    except DataError as error:  # JSON PostgreSQL does not store (a \u0000 in a string)
        raise refused(400, "body", f"cannot be stored: {error}".strip()[:200]) from None
    # robust: should enqueueing fail, the request is stored all the same (the sweep writes it)
    transaction.on_commit(partial(_enqueue, receipt.pk), robust=True)
    return receipt


def _verified(secret: str, header: str, body: bytes, refused: Refuse) -> str:
    """The v1 digest of a good signature, else raises WebhookRefused. A replay (a signature
    accepted once already) is refused when its receipt is stored, by `webhook_signature_once`."""
    if not header.strip():
        raise refused(401, "signature", f"missing: send the {SIGNATURE_HEADER} header")
    parts = [part.strip().partition("=") for part in header.split(",")]
    stamps = [value for key, _, value in parts if key == "t"]
    digests = [value.lower() for key, _, value in parts if key == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not digests:
        raise refused(401, "signature", "malformed: expected t=<unix seconds>,v1=<hex HMAC>")
    stamp = int(stamps[0])
    expected = _digest(secret, stamp, body)
    if not any(hmac.compare_digest(digest, expected) for digest in digests):
        raise refused(401, "signature", "does not match the body and the connection's secret")
    if abs(time.time() - stamp) > TOLERANCE_SECONDS:
        raise refused(401, "signature", f"timestamp more than {TOLERANCE_SECONDS} s from now")
    return expected


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _digest(secret: str, stamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()


def _connection(source_name: str, connection_id: int) -> SourceConnection | None:
    if get_source(source_name) is None:
        return None
    return (
        SourceConnection.objects.filter(pk=connection_id, source=source_name, enabled=True)
        .exclude(webhook_secret="")
        .first()
    )


def _refuse(
    source_name: str,
    connection: SourceConnection | None,
    remote_addr: str,
    status: int,
    field: str,
    reason: str,
) -> WebhookRefused:
    """Stores and logs a refused receipt; returns the exception to raise."""
    WebhookReceipt.objects.create(
        organization_id=connection.organization_id if connection else None,
        connection=connection,
        source=source_name[:40],
        status=Status.REFUSED,
        reason=f"{field}: {reason}"[:300],
    )
    logger.warning(
        "webhook refused (%s) for %s connection %s from %s: %s: %s",
        status,
        source_name[:40],
        connection.pk if connection else "unknown",
        _address(remote_addr) or "?",
        field,
        reason,
    )
    return WebhookRefused(status, field, reason)


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _enqueue(receipt_id: int) -> None:
    from earful.ingest.tasks import process_webhook_receipt

    process_webhook_receipt.enqueue(receipt_id)


def record_receipt(*, receipt_id: int) -> RecordedReceipt | None:
    """Writes the items of an accepted receipt and marks it processed, in one transaction.
    None when it is processed already (or not an accepted receipt): nothing is done twice."""
    with transaction.atomic():
        receipt = (
            WebhookReceipt.objects.select_for_update(of=("self",))
            .select_related("organization", "connection")
            .filter(pk=receipt_id, status=Status.ACCEPTED, processed_at__isnull=True)
            .first()
        )
        if receipt is None or receipt.organization is None:
            return None
        recorded = _record(receipt, receipt.organization)
        receipt.processed_at = timezone.now()
        receipt.process_error = "; ".join(recorded.errors)[:500]
        receipt.save(update_fields=["processed_at", "process_error", "updated_at"])
    if recorded.errors:
        logger.warning("webhook receipt %s: %s", receipt_id, receipt.process_error)
    return recorded


def _record(receipt: WebhookReceipt, organization: Organization) -> RecordedReceipt:
    source = get_source(receipt.source)
    if source is None:
        return RecordedReceipt(UpsertCounts(), (f"source {receipt.source!r} is not installed",))
    connection = receipt.connection
    columns = connection.column_mapping if connection else {}
    try:
        raws = source.webhook_records(receipt.body)
    except Exception as error:  # a pure function given a body it does not understand
        return RecordedReceipt(UpsertCounts(), (f"body: {_describe(error)}",))
    records: list[Record] = []
    errors: list[str] = []
    for number, raw in enumerate(raws, start=1):
        try:
            record = source.to_record(raw, columns)
            check_record(record, source=source)
        except Exception as error:  # this record's problem: the others still land
            errors.append(f"record {number}: {_describe(error)}")
        else:
            records.append(record)
    counts = upsert_records(
        organization=organization,
        source=source,
        records=records,
        kind=connection.kind if connection else None,
    )
    return RecordedReceipt(counts, tuple(errors))


def _describe(error: Exception) -> str:
    return str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"


def unprocessed_receipts(*, settled: float = SETTLE_SECONDS) -> list[int]:
    """Ids of accepted receipts not processed yet, older than `settled` seconds, oldest first
    (the `webhook_unprocessed` partial index)."""
    cutoff = timezone.now() - timedelta(seconds=settled)
    pending = WebhookReceipt.objects.filter(
        status=Status.ACCEPTED, processed_at__isnull=True, created_at__lte=cutoff
    )
    return list(pending.order_by("id").values_list("id", flat=True))


def sweep_webhooks(*, settled: float = SETTLE_SECONDS) -> int:
    """Records every accepted receipt a lost task left unprocessed (`settled` seconds old at
    least: younger ones are their task's) and deletes refused receipts older than
    REFUSED_KEPT_DAYS. Returns how many receipts it recorded. Safe beside the tasks: a receipt
    is recorded once whoever gets there first."""
    recorded = 0
    for receipt_id in unprocessed_receipts(settled=settled):
        if record_receipt(receipt_id=receipt_id) is not None:
            recorded += 1
    forget = timezone.now() - timedelta(days=REFUSED_KEPT_DAYS)
    WebhookReceipt.objects.filter(status=Status.REFUSED, created_at__lt=forget).delete()
    return recorded


def start_sweeper(*, every: float) -> threading.Event:
    """Runs `sweep_webhooks` every `every` seconds in a daemon thread (inside `earful worker`);
    set the returned event to stop it."""
    return start_periodic(name="webhooks", every=every, sweep=sweep_webhooks)
