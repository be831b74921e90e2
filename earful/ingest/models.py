"""Imports, inbound webhooks and the time series of social posts."""

from __future__ import annotations

from django.db import models

from earful.core.models import OrgScoped, TimeStamped


class Kind(models.TextChoices):
    """What an import or a source brings in (each lands as a FeedbackItem of this channel)."""

    TICKETS = "tickets", "Support tickets"
    REVIEWS = "reviews", "Public reviews"
    POSTS = "posts", "Social posts"


class SourceConnection(OrgScoped):
    """One source an organization takes feedback from (zendesk, trustpilot, csv ...): its
    column mapping for file sources and the secret that signs its inbound webhooks."""

    source = models.CharField(max_length=40, help_text="A folder name under ingest/sources/")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    column_mapping = models.JSONField(
        default=dict, blank=True, help_text="CSV/JSON sources: our field -> their column"
    )
    webhook_secret = models.CharField(max_length=100, blank=True)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "source"], name="source_per_org")
        ]

    def __str__(self) -> str:
        return self.source


class ImportRun(OrgScoped):
    """One import of a file (command, API or upload page) and what it did."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=40)
    filename = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    created_by = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL
    )
    rows_read = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why a failed import stopped")

    def __str__(self) -> str:
        return f"{self.source} {self.kind} import {self.pk}"


class ImportRejection(OrgScoped):
    """A row an import did not take, and why (the rest of the file still lands)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    row_number = models.PositiveIntegerField(help_text="1 = the first data row")
    external_id = models.CharField(max_length=200, blank=True)
    field = models.CharField(max_length=100)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["run", "row_number"]


class WebhookReceipt(TimeStamped):
    """Every inbound webhook request, accepted or refused. An accepted body is stored before
    the request is answered; `processed_at` is set once its items are recorded. A refused one
    keeps the reason (forged signature, stale timestamp, replay ...) and no body. No IP address
    is stored (Earful stores none anywhere); the log line of a refusal names it."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REFUSED = "refused", "Refused"

    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.CASCADE
    )
    connection = models.ForeignKey(
        SourceConnection, null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=300, blank=True)
    signature = models.CharField(
        max_length=128, blank=True, help_text="Accepted requests: their signature (no replays)"
    )
    body = models.JSONField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    process_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "signature"],
                condition=models.Q(status="accepted"),
                name="webhook_signature_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(status="accepted", processed_at__isnull=True),
                name="webhook_unprocessed",
            )
        ]


class PostSnapshot(OrgScoped):
    """A social post's reach and engagement as seen at one time: viral risk reads the growth."""

    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="post_snapshots"
    )
    observed_at = models.DateTimeField()
    followers = models.PositiveIntegerField(null=True, blank=True, help_text="The author's")
    reach = models.PositiveIntegerField(null=True, blank=True, help_text="Views or impressions")
    likes = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["item", "observed_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "observed_at"], name="post_snapshot_once")
        ]

    @property
    def engagement(self) -> int:
        return self.likes + self.shares + self.comments
