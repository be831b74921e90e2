"""Publishing events into the outbox and delivering them, with retries and auto-disable.

Durable: an event and its deliveries are rows; the worker's sweep (`sweep_webhooks`) sends what
is due, takes back rows whose sender died (lease), retries with backoff for about a day, and
disables an endpoint that failed for EARFUL_WEBHOOK_DISABLE_AFTER_DAYS, telling the owners."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Role
from earful.alerts.models import Alert
from earful.core import env
from earful.feedback.models import FeedbackItem
from earful.surveys.models import Response
from earful.webhooks import payloads, signing, transport
from earful.webhooks.models import (
    Delivery,
    DeliveryStatus,
    Endpoint,
    Event,
    EventType,
    Watermark,
)

logger = logging.getLogger(__name__)

RETRY_DELAYS = [timedelta(seconds=s) for s in (5, 300, 1800, 7200, 18000, 36000, 36000)]
LEASE = timedelta(minutes=2)
BATCH = 200


class EndpointInvalid(Exception):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


# Endpoints ----------------------------------------------------------------------------------


def clean_endpoint(data: dict[str, Any]) -> dict[str, Any]:
    errors = []
    url = str(data.get("url", "")).strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(url) > 500:
        errors.append(("url", "an http(s) address of at most 500 characters"))
    types = data.get("event_types") or []
    known = {t.value for t in EventType}
    if not isinstance(types, list) or any(t not in known for t in types):
        errors.append(("event_types", f"a list of: {', '.join(sorted(known))} (empty: all)"))
    description = str(data.get("description", ""))
    if len(description) > 200:
        errors.append(("description", "at most 200 characters"))
    if errors:
        raise EndpointInvalid(errors)
    return {"url": url, "event_types": list(dict.fromkeys(types)), "description": description}


def create_endpoint(*, organization: Organization, data: dict[str, Any]) -> Endpoint:
    return Endpoint.objects.create(organization=organization, **clean_endpoint(data))


def update_endpoint(*, endpoint: Endpoint, data: dict[str, Any]) -> Endpoint:
    merged = {
        "url": endpoint.url,
        "event_types": endpoint.event_types,
        "description": endpoint.description,
    }
    merged |= {k: v for k, v in data.items() if k in merged and v is not None}
    for name, value in clean_endpoint(merged).items():
        setattr(endpoint, name, value)
    if data.get("enabled") is not None:
        endpoint.enabled = bool(data["enabled"])
        if endpoint.enabled:
            endpoint.failing_since, endpoint.disabled_reason = None, ""
    endpoint.save()
    return endpoint


# Publishing ---------------------------------------------------------------------------------


def publish(*, organization_id: int, type: str, subject: str, data: dict[str, Any]) -> Event | None:
    """The event (once per type and subject) and a delivery to each endpoint that wants it."""
    endpoints = [
        e
        for e in Endpoint.objects.filter(organization_id=organization_id, enabled=True)
        if e.wants(type)
    ]
    if not endpoints:
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            event = Event.objects.create(
                organization_id=organization_id, type=type, subject=subject, data=data
            )
            Delivery.objects.bulk_create(
                Delivery(endpoint=e, event=event, next_attempt_at=now) for e in endpoints
            )
    except IntegrityError:
        return None  # published before
    return event


def _any_endpoint_wants(type_prefix: str) -> set[int]:
    """Organizations with an enabled endpoint for some type starting with `type_prefix`."""
    wanted = set()
    for org, types in Endpoint.objects.filter(enabled=True).values_list(
        "organization_id", "event_types"
    ):
        if not types or any(t.startswith(type_prefix) for t in types):
            wanted.add(org)
    return wanted


def _advance(name: str, table_max: int | None, read: list[int]) -> None:
    last = max(read) if read else (table_max or 0)
    Watermark.objects.update_or_create(name=name, defaults={"last_id": last})


def publish_new_responses(*, limit: int = 1000) -> int:
    """Responses stored since the last sweep (a watermark: the answer path writes nothing more).
    A response finished when it is seen also gives response.completed."""
    mark, _ = Watermark.objects.get_or_create(name="responses")
    wanted = _any_endpoint_wants("response.")
    rows = Response.objects.filter(id__gt=mark.last_id).order_by("id")
    if not wanted:
        _advance("responses", rows.aggregate(top=Max("id"))["top"], [])
        return 0
    batch = list(rows.select_related("survey", "customer")[:limit])
    published = 0
    for response in batch:
        if response.organization_id not in wanted:
            continue
        data = payloads.response_data(response)
        subject = f"response:{response.uid}"
        kinds = [EventType.RESPONSE_CREATED]
        if response.finished_at is not None:
            kinds.append(EventType.RESPONSE_COMPLETED)
        for kind in kinds:
            published += bool(
                publish(
                    organization_id=response.organization_id, type=kind, subject=subject, data=data
                )
            )
    if batch:
        _advance("responses", None, [r.pk for r in batch])
    return published


def publish_new_alerts(*, limit: int = 1000) -> int:
    mark, _ = Watermark.objects.get_or_create(name="alerts")
    batch = list(
        Alert.objects.filter(id__gt=mark.last_id).select_related("rule").order_by("id")[:limit]
    )
    published = 0
    for alert in batch:
        published += bool(
            publish(
                organization_id=alert.organization_id,
                type=EventType.ALERT_FIRED,
                subject=f"alert:{alert.pk}",
                data=payloads.alert_data(alert),
            )
        )
    if batch:
        _advance("alerts", None, [a.pk for a in batch])
    return published


def publish_enriched_items(*, item_ids: list[int]) -> int:
    items = list(FeedbackItem.objects.filter(id__in=item_ids).select_related("customer"))
    wanted = _any_endpoint_wants("feedback.")
    items = [i for i in items if i.organization_id in wanted]
    trustee = payloads.trustee_item_uids(items)
    return sum(
        bool(
            publish(
                organization_id=i.organization_id,
                type=EventType.FEEDBACK_ENRICHED,
                subject=f"item:{i.pk}",
                data=payloads.item_data(i, trustee),
            )
        )
        for i in items
    )


def publish_customer_erased(*, organization_id: int, customer_number: int) -> Event | None:
    return publish(
        organization_id=organization_id,
        type=EventType.CUSTOMER_ERASED,
        subject=f"customer:{customer_number}",
        data={"customer": customer_number},
    )


def send_test_event(*, endpoint: Endpoint) -> Delivery:
    """A ping to this endpoint alone, due now."""
    now = timezone.now()
    event = Event.objects.create(
        organization_id=endpoint.organization_id,
        type=EventType.PING,
        subject=f"ping:{now.timestamp()}",
        data={"endpoint": endpoint.pk, "sent_at": now.isoformat()},
    )
    return Delivery.objects.create(endpoint=endpoint, event=event, next_attempt_at=now)


def redeliver(*, delivery: Delivery) -> Delivery:
    """Sends it again, now (a failed delivery, or a delivered one the receiver lost)."""
    Delivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), lease_until=None
    )
    delivery.refresh_from_db()
    return delivery


# Delivering ---------------------------------------------------------------------------------


def body_of(event: Event) -> bytes:
    payload = {"type": event.type, "timestamp": event.created_at.isoformat(), "data": event.data}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
        endpoint__enabled=True,
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, lease_until=now + LEASE)
    if not claimed:
        return None
    return Delivery.objects.select_related("endpoint", "event").get(pk=delivery_id)


def send_delivery(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Sends one due delivery; True when the receiver answered 2xx. Safe to call twice."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return False
    body = body_of(delivery.event)
    headers = signing.headers(
        delivery.endpoint.secret, delivery.event.uid, int(now.timestamp()), body
    )
    try:
        status = transport.post(delivery.endpoint.url, body, headers)
    except OSError as exc:
        _failed(delivery, None, f"no answer ({type(exc).__name__})", now)
        return False
    if 200 <= status < 300:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT,
            sent_at=now,
            lease_until=None,
            last_status_code=status,
            last_error="",
        )
        Endpoint.objects.filter(pk=delivery.endpoint_id).update(failing_since=None)
        return True
    _failed(delivery, status, f"the receiver answered {status}", now)
    return False


def _failed(delivery: Delivery, status: int | None, reason: str, now: datetime) -> None:
    done = delivery.attempts > len(RETRY_DELAYS)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED if done else DeliveryStatus.PENDING,
        next_attempt_at=now if done else now + RETRY_DELAYS[delivery.attempts - 1],
        lease_until=None,
        last_status_code=status,
        last_error=(f"gave up after {delivery.attempts} attempts: " if done else "") + reason,
    )
    Endpoint.objects.filter(pk=delivery.endpoint_id, failing_since=None).update(failing_since=now)
    _disable_if_failing_too_long(delivery.endpoint_id, now)


def _disable_if_failing_too_long(endpoint_id: int, now: datetime) -> None:
    days = env.get_int("EARFUL_WEBHOOK_DISABLE_AFTER_DAYS", 5, minimum=1)
    reason = f"every delivery failed for {days} days"
    disabled = Endpoint.objects.filter(
        pk=endpoint_id, enabled=True, failing_since__lt=now - timedelta(days=days)
    ).update(enabled=False, disabled_reason=reason)
    if disabled:
        _tell_admins(Endpoint.objects.get(pk=endpoint_id), reason)


def _tell_admins(endpoint: Endpoint, reason: str) -> None:
    admins = Member.objects.filter(
        organization_id=endpoint.organization_id, role__in=[Role.OWNER, Role.ADMIN]
    ).values_list("user__email", flat=True)
    text = (
        f"Earful stopped sending events to {endpoint.url}: {reason}.\n"
        f"Fix the receiver, then enable it again on the Webhooks page; nothing is sent meanwhile."
    )
    try:
        send_mail(
            "[Earful] A webhook endpoint was disabled",
            text,
            settings.DEFAULT_FROM_EMAIL,
            list(admins),
        )
    except Exception:  # the endpoint row says it; the e-mail is a courtesy
        logger.exception("could not e-mail the admins about endpoint %s", endpoint.pk)


@dataclass(frozen=True)
class SweepReport:
    published: int
    requeued: int
    sent: int
    failed: int

    def __str__(self) -> str:
        return (
            f"published {self.published}, sent {self.sent}, failed {self.failed}, "
            f"requeued {self.requeued}"
        )


def sweep_webhooks(*, now: datetime | None = None) -> SweepReport:
    """The worker's round: new responses and alerts become events, then what is due is sent."""
    now = now or timezone.now()
    published = publish_new_responses() + publish_new_alerts()
    now = max(now, timezone.now())  # what was just published is due too
    requeued = Delivery.objects.filter(status=DeliveryStatus.SENDING, lease_until__lt=now).update(
        status=DeliveryStatus.PENDING, lease_until=None, next_attempt_at=now
    )
    due = (
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__enabled=True
        )
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:BATCH]
    )
    results = [send_delivery(delivery_id=d, now=now) for d in list(due)]
    return SweepReport(published, requeued, sum(results), len(results) - sum(results))
