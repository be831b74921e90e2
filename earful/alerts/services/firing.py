"""Firing: an alert and its deliveries are written in one transaction, once per cause.

The unique (rule, dedupe_key) decides: a cause seen again (the sweep, a second signal, a
second worker) writes nothing. Each delivery goes out at once unless its destination already
had EARFUL_ALERT_DIGEST_THRESHOLD alerts in the last hour: then it is held for the daily
digest (`services.digests`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from earful.alerts.models import (
    Alert,
    AlertRule,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Destination,
    RuleKind,
)
from earful.alerts.services.digests import ensure_digest
from earful.alerts.signals import alert_fired
from earful.feedback.models import FeedbackItem
from earful.insights.models import Theme
from earful.surveys.models import Response

logger = logging.getLogger(__name__)

DIGEST_THRESHOLD_DEFAULT = 10  # alerts per destination per hour before the digest takes over
HOUR = timedelta(hours=1)


def digest_threshold() -> int:
    return int(getattr(settings, "EARFUL_ALERT_DIGEST_THRESHOLD", DIGEST_THRESHOLD_DEFAULT))


@dataclass
class Candidate:
    """What a rule found: the cause (`dedupe_key`) and the words for people."""

    dedupe_key: str
    summary: str
    text: str
    item: FeedbackItem | None = None
    response: Response | None = None
    theme: Theme | None = None
    source_url: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def fire_alerts(*, rule: AlertRule, candidates: Sequence[Candidate], now: datetime) -> list[Alert]:
    """Fires the candidates not fired before by this rule; returns the new alerts."""
    if not candidates:
        return []
    seen = set(
        Alert.objects.filter(
            rule=rule, dedupe_key__in=[c.dedupe_key for c in candidates]
        ).values_list("dedupe_key", flat=True)
    )
    fresh = list({c.dedupe_key: c for c in candidates if c.dedupe_key not in seen}.values())
    if not fresh:
        return []
    destinations = [d for d in rule.destinations.all() if d.enabled]
    fired = [a for c in fresh if (a := _fire_one(rule, c, destinations, now)) is not None]
    if fired:
        logger.info("rule %s fired %d alert(s)", rule.pk, len(fired))
        ids = [a.pk for a in fired]
        transaction.on_commit(lambda: alert_fired.send(sender=Alert, alert_ids=ids))
    return fired


def _fire_one(
    rule: AlertRule, candidate: Candidate, destinations: list[Destination], now: datetime
) -> Alert | None:
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: losing the race is not an error
                alert = Alert.objects.create(
                    organization_id=rule.organization_id,
                    rule=rule,
                    kind=rule.kind,
                    dedupe_key=candidate.dedupe_key[:200],
                    item=candidate.item,
                    response=candidate.response,
                    theme=candidate.theme,
                    fired_at=now,
                    summary=candidate.summary[:300],
                    text=candidate.text,
                    source_url=candidate.source_url[:500],
                    details=candidate.details,
                )
        except IntegrityError:
            return None
        alert.link = settings.EARFUL_BASE_URL + reverse("alerts:alert", args=[alert.pk])
        alert.save(update_fields=["link"])
        due = [_queue(alert, destination, now) for destination in destinations]
    pending = [d.pk for d in due if d.status == DeliveryStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: _enqueue_sends(pending))
    return alert


# Never held for the digest: a public post gathering reach fast cannot wait a day behind a
# burst of detractor answers.
URGENT_KINDS = frozenset({RuleKind.VIRAL_RISK})


def _queue(alert: Alert, destination: Destination, now: datetime) -> Delivery:
    held = alert.kind not in URGENT_KINDS and _flooded(destination, now)
    status = DeliveryStatus.HELD if held else DeliveryStatus.PENDING
    delivery = Delivery.objects.create(
        organization_id=alert.organization_id,
        kind=DeliveryKind.ALERT,
        alert=alert,
        destination=destination,
        status=status,
        queued_at=now,
        next_attempt_at=now,
    )
    if status == DeliveryStatus.HELD:
        ensure_digest(destination=destination, now=now)
    return delivery


def _flooded(destination: Destination, now: datetime) -> bool:
    """True when the destination had the threshold's worth of alerts sent (or going) in the
    hour before `now`: then alerts are held for the digest instead of flooding it."""
    recent = (
        Delivery.objects.filter(
            destination=destination,
            kind=DeliveryKind.ALERT,
            alert__fired_at__gt=now - HOUR,
            alert__fired_at__lte=now,
        )
        .exclude(status=DeliveryStatus.HELD)
        .count()
    )
    return recent >= digest_threshold()


def _enqueue_sends(delivery_ids: list[int]) -> None:
    from earful.alerts.tasks import send_delivery

    for delivery_id in delivery_ids:
        send_delivery.enqueue(delivery_id)
