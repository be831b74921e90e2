"""The daily digest: what a destination gets instead of a flood.

An alert held for a destination (`firing`: the hourly threshold was reached) makes sure the
destination has an open digest: a Delivery of kind digest, due DIGEST_PERIOD after the first
held alert. When the sender first claims the digest, the held alerts not in a digest yet join
it (`take_held`); later ones wait for the next digest. Once the digest is sent, its alerts are
sent too; when it fails for good, they failed with it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from earful.alerts.models import Delivery, DeliveryKind, DeliveryStatus, Destination

DIGEST_PERIOD = timedelta(hours=24)


def _open_digest(destination_id: int) -> Delivery | None:
    """The digest that has not been tried yet: it still takes whatever is held."""
    return Delivery.objects.filter(
        destination_id=destination_id,
        kind=DeliveryKind.DIGEST,
        status=DeliveryStatus.PENDING,
        attempts=0,
    ).first()


def ensure_digest(*, destination: Destination, now: datetime) -> Delivery:
    """The destination's open digest, made (due a day from now) when there is none."""
    found = _open_digest(destination.pk)
    if found is not None:
        return found
    due = now + DIGEST_PERIOD
    return Delivery.objects.create(
        organization_id=destination.organization_id,
        kind=DeliveryKind.DIGEST,
        destination=destination,
        status=DeliveryStatus.PENDING,
        queued_at=due,
        next_attempt_at=due,
    )


def take_held(*, digest: Delivery) -> int:
    """Puts the destination's held alerts not in a digest yet into this one (at its first
    claim, so every attempt sends the same list)."""
    return Delivery.objects.filter(
        destination_id=digest.destination_id,
        kind=DeliveryKind.ALERT,
        status=DeliveryStatus.HELD,
        digest__isnull=True,
    ).update(digest=digest)


def schedule_missing_digests(*, now: datetime) -> int:
    """The sweep's safety net: a destination with held alerts outside any digest and no open
    digest (an alert held while its digest was being claimed) gets one."""
    open_digest = Delivery.objects.filter(
        destination_id=OuterRef("destination_id"),
        kind=DeliveryKind.DIGEST,
        status=DeliveryStatus.PENDING,
        attempts=0,
    )
    orphans = (
        Delivery.objects.filter(
            kind=DeliveryKind.ALERT, status=DeliveryStatus.HELD, digest__isnull=True
        )
        .exclude(Exists(open_digest))
        .values_list("destination_id", flat=True)
        .distinct()
    )
    made = 0
    for destination in Destination.objects.filter(pk__in=list(orphans)):
        ensure_digest(destination=destination, now=now)
        made += 1
    return made


def settle_digest(*, digest: Delivery, status: str, now: datetime, error: str = "") -> int:
    """The digest's alerts follow it: sent with it, or failed with it."""
    held = Delivery.objects.filter(digest=digest, kind=DeliveryKind.ALERT)
    if status == DeliveryStatus.SENT:
        return held.update(status=DeliveryStatus.SENT, sent_at=now, last_error="")
    return held.update(status=DeliveryStatus.FAILED, last_error=f"the digest failed: {error}")
