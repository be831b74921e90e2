"""Alerts: rules that watch the feedback, the alerts they fire, where alerts go, and the outbox
that takes every alert there (retried with backoff, never lost, never sent twice).

A fired alert and its Delivery rows are written in one transaction (`services.firing`); a
sender claims a due row with a conditional UPDATE and a lease (`services.sending`), as the
outreach outbox does. docs/user/alerts.md says it for users.
"""

from __future__ import annotations

import secrets
import uuid

from django.db import models

from earful.core.models import OrgScoped


def new_signing_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def new_idempotency_key() -> str:
    """Random, not derived from ids: a receiver keeps keys, and a reinstalled Earful numbers
    its rows from 1 again; a derived key would then be taken for a retry and dropped."""
    return uuid.uuid4().hex


class RuleKind(models.TextChoices):
    DETRACTOR = "detractor", "Detractor answer"
    NEGATIVE_REVIEW = "negative_review", "Negative review"
    THEME_SPIKE = "theme_spike", "Theme spike"
    KEY_ACCOUNT_HESITANT = "key_account_hesitant", "Hesitant answer from a key account"
    VIRAL_RISK = "viral_risk", "Viral risk"


class DestinationKind(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat webhook (Slack-compatible)"
    WEBHOOK = "webhook", "Signed webhook"


class Destination(OrgScoped):
    """Where alerts go: email addresses, a chat webhook URL, or a generic webhook URL whose
    requests are signed with `secret` (HMAC-SHA256)."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=DestinationKind.choices)
    emails = models.JSONField(default=list, blank=True, help_text="Email: the addresses")
    url = models.URLField(max_length=500, blank=True, help_text="Chat and webhook: POSTed to")
    secret = models.CharField(
        max_length=100, default=new_signing_secret, help_text="Signs webhook requests"
    )
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    @property
    def target(self) -> str:
        """Where it goes, in words: the addresses, or the URL's host and path."""
        if self.kind == DestinationKind.EMAIL:
            return ", ".join(self.emails)
        return self.url


class AlertRule(OrgScoped):
    """What to watch for (`kind`, with `parameters` checked per kind by
    `services.parameters.clean_parameters`) and where to send what it finds."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=30, choices=RuleKind.choices)
    parameters = models.JSONField(default=dict, blank=True)
    destinations = models.ManyToManyField(Destination, blank=True, related_name="rules")
    enabled = models.BooleanField(default=True)
    open_case = models.BooleanField(
        default=False, help_text="Also open a follow-up case (or attach to the open one)"
    )
    created_by = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["organization", "enabled", "kind"])]

    def __str__(self) -> str:
        return self.name


class Alert(OrgScoped):
    """A rule fired: once per cause (`dedupe_key`, unique per rule), whatever re-evaluates it."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=30, choices=RuleKind.choices)
    dedupe_key = models.CharField(
        max_length=200, help_text="The cause: item:<id>, response:<uid>, theme:<id>:<date>"
    )
    item = models.ForeignKey(
        "feedback.FeedbackItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.ForeignKey(
        "surveys.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    theme = models.ForeignKey(
        "insights.Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fired_at = models.DateTimeField()
    summary = models.CharField(max_length=300, help_text="One line: the subject, the chat text")
    text = models.TextField(help_text="What happened and why the rule fired, with the numbers")
    link = models.URLField(max_length=500, blank=True, help_text="This alert's page in Earful")
    source_url = models.URLField(
        max_length=500, blank=True, help_text="Where the review or post can be read"
    )
    details = models.JSONField(default=dict, blank=True, help_text="The numbers behind the text")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "dedupe_key"], name="alert_once_per_cause")
        ]
        indexes = [models.Index(fields=["organization", "fired_at"])]

    def __str__(self) -> str:
        return self.summary


class DeliveryKind(models.TextChoices):
    ALERT = "alert", "Alert"
    DIGEST = "digest", "Digest"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    HELD = "held", "Held for the digest"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(OrgScoped):
    """The outbox: one alert (or one digest) to one destination.

    States: pending -> sending -> sent | pending again (a failure, retried at
    `next_attempt_at` with exponential backoff) | failed (gave up). An alert past the hourly
    threshold is `held`: a digest row (kind digest) carries it, and it becomes sent with the
    digest. The idempotency key is the same on every attempt, so a receiver that got a request
    whose answer was lost can drop the retry."""

    kind = models.CharField(max_length=10, choices=DeliveryKind.choices, default=DeliveryKind.ALERT)
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    destination = models.ForeignKey(
        Destination, on_delete=models.CASCADE, related_name="deliveries"
    )
    digest = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="held",
        help_text="A held alert: the digest that carries it",
    )
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    queued_at = models.DateTimeField(help_text="When it first became due; retries stop 24 h on")
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["destination", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.alert_id} -> {self.destination_id} ({self.status})"
