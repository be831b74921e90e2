"""The audit log and the record of erasures. Both append-only: nothing edits a row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """Who did what, when, from where: one row per change, sign-in, export or erasure."""

    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.CASCADE
    )
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=254, blank=True, help_text="The e-mail signed in, kept if the user goes"
    )
    token_id = models.BigIntegerField(null=True, blank=True, help_text="The API token used")
    action = models.CharField(max_length=80, help_text="e.g. login.failed, export.responses")
    target = models.CharField(max_length=200, blank=True, help_text="The object, e.g. survey:12")
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=300, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True, help_text="What changed (no secrets)")

    class Meta:
        indexes = [
            models.Index(fields=["organization", "at"]),
            models.Index(fields=["organization", "action", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target}"


class Erasure(models.Model):
    """That a customer's data was erased, by whom and when: never what was erased."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    at = models.DateTimeField(default=timezone.now)
    by_label = models.CharField(max_length=254, help_text="Who asked Earful to erase")
    customer_number = models.BigIntegerField(help_text="The erased customer's internal id")
    rows = models.JSONField(default=dict, help_text="Rows changed per table, counts only")

    def __str__(self) -> str:
        return f"erasure of customer #{self.customer_number} at {self.at:%Y-%m-%d %H:%M}"


class RetentionPolicy(models.Model):
    """How long an organization keeps the words customers wrote (scores are kept)."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="retention_policy"
    )
    raw_text_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Remove comment and ticket text older than this; null: keep",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"retention of {self.organization_id}: {self.raw_text_months or 'forever'}"
