from __future__ import annotations

from django.db import models

from earful.core.models import OrgScoped


class Channel(models.TextChoices):
    SURVEY = "survey", "Survey"
    TICKET = "ticket", "Support ticket"
    REVIEW = "review", "Public review"
    SOCIAL = "social", "Social post"
    IDEA = "idea", "Idea"


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


class FeedbackItem(OrgScoped):
    """Every customer voice in one shape: the unit that enrichment, themes and trends read.

    Enrichment (earful/insights/services/enrichment.py) fills the fields below `score_scale`
    in the background after the item is recorded; until then `analyzed_at` is NULL (pending).
    `analyzed_at` set with a blank `sentiment` means enrichment gave up on the item.
    """

    # Found by organization through the indexes that start with it (the unique source key,
    # the channel and time, the pending ones): no index of its own, which every item would write.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, db_index=False
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    source_key = models.CharField(
        max_length=200, help_text="Where it came from, unique per organization (retries upsert)"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(
        max_length=40,
        blank=True,
        help_text="Imported items: the source's name (zendesk, trustpilot ...)",
    )
    external_id = models.CharField(
        max_length=200, blank=True, help_text="Imported items: the id the source gave it"
    )
    title = models.CharField(
        max_length=300, blank=True, help_text="A ticket's subject, a review's title"
    )
    author = models.CharField(
        max_length=200, blank=True, help_text="The public name on a review or post (not a customer)"
    )
    url = models.URLField(max_length=500, blank=True, help_text="Where the item can be read")
    metadata = models.JSONField(
        default=dict, blank=True, help_text="What the source said that has no column of its own"
    )
    text = models.TextField()
    score = models.SmallIntegerField(null=True, blank=True)
    score_scale = models.CharField(
        max_length=12,
        blank=True,
        help_text=(
            "The range of `score` as LOW-HIGH: 0-10 (NPS), 1-5 (CSAT, stars), 1-7 (CES). Blank: "
            "enrichment derives it (a survey item from its question, a review is 1-5 stars)"
        ),
    )
    received_at = models.DateTimeField(db_index=True)
    analyzed_at = models.DateTimeField(null=True, blank=True)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    sentiment_score = models.FloatField(
        null=True, blank=True, help_text="P(positive) - P(negative), from -1 to 1"
    )
    hesitant = models.BooleanField(null=True, blank=True)
    hesitancy_reason = models.CharField(
        max_length=300, blank=True, help_text='"code: explanation" when hesitant, else blank'
    )
    enrichment_attempts = models.PositiveSmallIntegerField(default=0)
    enrichment_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_key"], name="feedback_source_key_per_org"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "channel", "received_at"]),
            # The enrichment sweep and the pending counts read only the rows not analyzed yet.
            models.Index(
                fields=["organization", "id"],
                condition=models.Q(analyzed_at__isnull=True),
                name="feedback_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def hesitancy_code(self) -> str:
        """The reason's code (`hedging`, `ambivalent` ...), blank when not hesitant."""
        return self.hesitancy_reason.split(":", 1)[0] if self.hesitancy_reason else ""

    @property
    def hesitancy_explanation(self) -> str:
        """The reason in words, for people ("a satisfied score (9 of 0-10) but ...")."""
        return self.hesitancy_reason.split(":", 1)[-1].strip()

    @property
    def enrichment_gave_up(self) -> bool:
        return self.analyzed_at is not None and not self.sentiment

    @property
    def enrichment_status(self) -> str:
        """`pending`, `analyzed`, or `failed` (enrichment gave up on it)."""
        if self.analyzed_at is None:
            return "pending"
        return "failed" if self.enrichment_gave_up else "analyzed"
