"""Outbound webhooks: endpoints subscribed to event types, the events, and the outbox of
deliveries (one per endpoint and event), sent with the Standard Webhooks headers."""

from __future__ import annotations

import base64
import secrets
import uuid

from django.db import models

from earful.core.models import OrgScoped, TimeStamped


class EventType(models.TextChoices):
    RESPONSE_CREATED = "response.created", "A survey response arrived (first answers)"
    RESPONSE_COMPLETED = "response.completed", "A survey response was finished"
    FEEDBACK_ENRICHED = "feedback.enriched", "A feedback item was analyzed (sentiment, themes)"
    ALERT_FIRED = "alert.fired", "An alert rule fired"
    CUSTOMER_ERASED = "customer.erased", "A customer's data was erased"
    PING = "webhook.ping", "A test event sent by hand"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def new_event_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class Endpoint(OrgScoped):
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=80, default=new_secret)
    event_types = models.JSONField(default=list, blank=True, help_text="Empty: every type")
    enabled = models.BooleanField(default=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class Event(OrgScoped):
    uid = models.CharField(max_length=40, unique=True, default=new_event_id)
    type = models.CharField(max_length=40, choices=EventType.choices)
    subject = models.CharField(
        max_length=80, help_text="What it is about, e.g. response:<uid>; one event per type"
    )
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "type", "subject"], name="webhook_event_once"
            )
        ]
        indexes = [models.Index(fields=["organization", "created_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.subject}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Sending"
    SENT = "sent", "Delivered"
    FAILED = "failed", "Gave up"


class Delivery(TimeStamped):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, help_text="Generic; no remote body")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.endpoint_id} ({self.status})"


class Watermark(models.Model):
    """How far a sweep has read a table it turns into events (e.g. alerts): the last id."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.last_id}"
