from __future__ import annotations

from django.db import models

from earful.core.models import OrgScoped


class Channel(models.TextChoices):
    SURVEY = "survey", "Survey"
    TICKET = "ticket", "Support ticket"
    REVIEW = "review", "Public review"
    SOCIAL = "social", "Social post"
    IDEA = "idea", "Idea"


class FeedbackItem(OrgScoped):
    """Every customer voice in one shape: the unit that enrichment, themes and trends read."""

    channel = models.CharField(max_length=20, choices=Channel.choices)
    source_key = models.CharField(
        max_length=200, help_text="Where it came from, unique per organization (retries upsert)"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL
    )
    text = models.TextField()
    score = models.SmallIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(db_index=True)
    analyzed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_key"], name="feedback_source_key_per_org"
            )
        ]
        indexes = [models.Index(fields=["organization", "channel", "received_at"])]

    def __str__(self) -> str:
        return self.text[:60]
