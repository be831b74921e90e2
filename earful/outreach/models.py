"""Outreach: who we asked, when, on which channel, and why we did not ask someone."""

from __future__ import annotations

import secrets
from datetime import time

from django.db import models

from earful.core.models import OrgScoped, TimeStamped
from earful.outreach.budget import INVITATION, REMINDER, Budget
from earful.outreach.window import SendWindow


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OutreachPolicy(TimeStamped):
    """The organization's contact budget, shared by every survey and channel."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="outreach_policy"
    )
    cooldown_days = models.PositiveSmallIntegerField(default=7)
    cap_messages = models.PositiveSmallIntegerField(default=4)
    cap_window_days = models.PositiveSmallIntegerField(default=30)

    def __str__(self) -> str:
        return f"policy of {self.organization_id}"

    @property
    def budget(self) -> Budget:
        return Budget(self.cooldown_days, self.cap_messages, self.cap_window_days)


class SurveyOutreachSettings(TimeStamped):
    """How one survey is sent: recontact period, reminder, send window, email wording."""

    survey = models.OneToOneField(
        "surveys.Survey", on_delete=models.CASCADE, related_name="outreach_settings"
    )
    recontact_days = models.PositiveSmallIntegerField(default=30)
    reminder_after_days = models.PositiveSmallIntegerField(
        default=3, help_text="One reminder this many days after an unanswered invitation; 0: none"
    )
    window_start = models.TimeField(default=time(9, 0))
    window_end = models.TimeField(default=time(18, 0))
    window_weekdays = models.CharField(
        max_length=7, default="12345", help_text="ISO weekdays: 1 Monday ... 7 Sunday"
    )
    subject = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"outreach of survey {self.survey_id}"

    @property
    def window(self) -> SendWindow:
        return SendWindow(self.window_start, self.window_end, self.window_weekdays)


class SurveyTrigger(OrgScoped):
    """A journey: invite to the survey `delay_hours` after each customer event named so."""

    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="+")
    event_name = models.CharField(max_length=100)
    delay_hours = models.PositiveIntegerField(default=24)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "event_name"], name="one_trigger_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.event_name} +{self.delay_hours}h -> {self.survey_id}"


class InvitationStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent"
    OPENED = "opened", "Opened"
    ANSWERED = "answered", "Answered"
    FAILED = "failed", "Failed"


class Invitation(OrgScoped):
    """A personal invitation to a survey, with an unguessable token for the customer's link."""

    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    status = models.CharField(
        max_length=12, choices=InvitationStatus.choices, default=InvitationStatus.SCHEDULED
    )
    trigger_event = models.ForeignKey(
        "customers.CustomerEvent", null=True, blank=True, on_delete=models.SET_NULL
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminder_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trigger_event"],
                condition=models.Q(trigger_event__isnull=False),
                name="one_invitation_per_trigger_event",
            )
        ]
        indexes = [
            models.Index(fields=["survey", "status"]),
            models.Index(fields=["status", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}->{self.customer_id} ({self.status})"


class MessageState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class MessageKind(models.TextChoices):
    INVITATION = INVITATION, "Invitation"
    REMINDER = REMINDER, "Reminder"


class OutboundMessage(OrgScoped):
    """Every message Earful sends a customer, on any channel: the outbox and the contact log.

    The contact budget counts these rows (except failed and cancelled ones), so a future channel
    that writes here is budgeted with the rest. States: queued -> sending -> sent | failed, and
    queued or sending -> cancelled (answered before the reminder, unsubscribed); a send claims
    the row with a conditional UPDATE, and a sweep re-queues rows whose lease ran out.
    """

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(
        "surveys.Survey", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.CharField(max_length=20, default="email")
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    state = models.CharField(
        max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    send_after = models.DateTimeField(help_text="Not before this time (UTC): the send window")
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # A message of its own (not an invitation's): other apps write the text they send.
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    unsubscribe_url = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "kind"],
                condition=models.Q(invitation__isnull=False),
                name="one_message_of_a_kind_per_invitation",
            )
        ]
        indexes = [
            models.Index(fields=["state", "send_after"]),
            models.Index(fields=["customer", "send_after"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.customer_id} ({self.state})"


class Decision(models.TextChoices):
    QUEUED = "queued", "Queued"
    SKIPPED = "skipped", "Skipped"


class ContactDecision(OrgScoped):
    """Why a customer was, or was not, sent a message: one row per decision, never edited."""

    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    customer_ref = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    trigger_event = models.ForeignKey(
        "customers.CustomerEvent", null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "trigger_event"],
                condition=models.Q(trigger_event__isnull=False),
                name="one_decision_per_survey_and_event",
            )
        ]
        indexes = [models.Index(fields=["survey", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.decision} {self.customer_ref}: {self.reason_code}"
