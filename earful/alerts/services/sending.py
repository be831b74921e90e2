"""Sending from the outbox, as the outreach outbox does: a sender claims a due row with a
conditional UPDATE (pending -> sending, with a lease), sends, and marks it sent only after the
destination took it (a 2xx). A failure puts the row back with the next attempt further away
(RETRY_FIRST doubling up to RETRY_MAX), until GIVE_UP_AFTER since it was queued. A sender that
dies leaves its row in `sending`; once the lease is over `requeue_stale_deliveries` puts it
back. The idempotency key is the row's, the same on every attempt."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from earful.alerts.models import Alert, Delivery, DeliveryKind, DeliveryStatus
from earful.alerts.services.digests import schedule_missing_digests, settle_digest, take_held
from earful.alerts.services.transport import DeliveryError, compose, transmit

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(minutes=30)
GIVE_UP_AFTER = timedelta(hours=24)
BATCH = 200  # due rows per `deliver_due` round


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes, then every 30 minutes (after the attempt numbered `attempts`)."""
    doublings = min(max(attempts - 1, 0), 16)  # past that, 2**n minutes overflows
    return min(RETRY_FIRST * 2**doublings, RETRY_MAX)


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    """Takes the row for this sender: only one caller moves it from pending to sending. A
    digest takes its held alerts at its first claim, in the same transaction."""
    with transaction.atomic():
        claimed = Delivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).update(
            status=DeliveryStatus.SENDING,
            attempts=F("attempts") + 1,
            lease_until=now + LEASE,
            updated_at=now,
        )
        if not claimed:
            return None
        delivery = Delivery.objects.select_related("destination").get(pk=delivery_id)
        if delivery.kind == DeliveryKind.DIGEST and delivery.attempts == 1:
            take_held(digest=delivery)
    return delivery


def _alerts_of(delivery: Delivery) -> list[Alert]:
    if delivery.kind == DeliveryKind.ALERT:
        alerts = Alert.objects.select_related("rule", "item")
        return list(alerts.filter(pk=delivery.alert_id)) if delivery.alert_id else []
    return list(
        Alert.objects.select_related("rule", "item")
        .filter(deliveries__digest=delivery)
        .order_by("fired_at", "pk")
    )


def _failed(delivery: Delivery, error: str, now: datetime) -> None:
    mine = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING)
    retry_at = now + retry_delay(delivery.attempts)
    if retry_at > delivery.queued_at + GIVE_UP_AFTER:
        error = f"gave up after {delivery.attempts} attempts: {error}"
        with transaction.atomic():
            mine.update(status=DeliveryStatus.FAILED, lease_until=None, last_error=error[:2000])
            if delivery.kind == DeliveryKind.DIGEST:
                settle_digest(digest=delivery, status=DeliveryStatus.FAILED, now=now, error=error)
        logger.warning("delivery %s failed for good: %s", delivery.pk, error)
        return
    mine.update(
        status=DeliveryStatus.PENDING,
        lease_until=None,
        next_attempt_at=retry_at,
        last_error=error[:2000],
    )


def send_delivery(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Sends one pending, due delivery; True when this call delivered it. Safe to call twice:
    a row already claimed, sent or not due is left alone."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return False
    alerts = _alerts_of(delivery)
    if not alerts:  # a digest whose alerts all went elsewhere, an alert deleted meanwhile
        Delivery.objects.filter(pk=delivery.pk).delete()
        return False
    try:
        transmit(delivery.destination, compose(delivery, alerts), now=now)
    except DeliveryError as exc:  # our words: a status code and a reason, no remote body
        _failed(delivery, str(exc), now)
        return False
    except Exception as exc:  # any other failure (the mail backend): back to the queue
        _failed(delivery, f"{type(exc).__name__}: {exc}", now)
        return False
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.SENT, sent_at=now, lease_until=None, last_error=""
        )
        if delivery.kind == DeliveryKind.DIGEST:
            settle_digest(digest=delivery, status=DeliveryStatus.SENT, now=now)
    return True


def requeue_stale_deliveries(*, now: datetime | None = None) -> int:
    """Rows left in 'sending' past their lease (the sender stopped) are due again now. The
    destination may have taken the first try: the same idempotency key tells it."""
    now = now or timezone.now()
    return Delivery.objects.filter(status=DeliveryStatus.SENDING, lease_until__lt=now).update(
        status=DeliveryStatus.PENDING,
        lease_until=None,
        next_attempt_at=now,
        last_error="re-queued: the sender stopped before finishing",
    )


@dataclass(frozen=True)
class DeliveryReport:
    requeued: int = 0
    digests: int = 0
    sent: int = 0
    failed: int = 0  # failed this round (retried later or given up)

    def __str__(self) -> str:
        return (
            f"sent {self.sent}, failed {self.failed}, requeued {self.requeued}, "
            f"digests scheduled {self.digests}"
        )


def deliver_due(*, now: datetime | None = None, limit: int = BATCH) -> DeliveryReport:
    """Every due delivery, oldest first (up to `limit`), in this process."""
    now = now or timezone.now()
    requeued = requeue_stale_deliveries(now=now)
    digests = schedule_missing_digests(now=now)
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(send_delivery(delivery_id=pk, now=now) for pk in due)
    return DeliveryReport(requeued, digests, sent, len(due) - sent)
