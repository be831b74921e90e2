"""Health, its daily history and the org's recompute state; referrals; loyalty; thanks."""

from __future__ import annotations

from django.db import models

from earful.core.models import OrgScoped, TimeStamped


class CustomerHealth(OrgScoped):
    """One customer's current score, why, and what the lists read (one narrow indexed row)."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="health"
    )
    score = models.SmallIntegerField()
    band = models.CharField(max_length=10)
    trend = models.SmallIntegerField(default=0, help_text="Score now minus 30 days ago")
    reasons = models.JSONField(default=list, help_text="[[component, points, text], ...]")
    computed_at = models.DateTimeField()
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the score changes on its own; null: not by time"
    )
    dirty = models.BooleanField(default=False, help_text="Changed: the next recompute reads it")
    value_12m = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    orders_12m = models.PositiveIntegerField(default=0)
    last_order_at = models.DateTimeField(null=True, blank=True)
    rhythm_days = models.FloatField(null=True, blank=True)
    lateness = models.FloatField(
        null=True, blank=True, help_text="Days since the last order over the rhythm (1 = on time)"
    )
    tier = models.CharField(max_length=20, blank=True)
    last_voice = models.ForeignKey(
        "feedback.FeedbackItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_voice_mood = models.CharField(
        max_length=12, blank=True, help_text="fine (satisfied, passive, hesitant), happy, unhappy"
    )
    last_voice_at = models.DateTimeField(null=True, blank=True)
    last_touch_at = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0, help_text="Public reviews they wrote")
    ideas = models.PositiveIntegerField(default=0, help_text="Ideas they posted")
    referred = models.PositiveIntegerField(default=0, help_text="Sign-ups through their link")
    referred_bought = models.PositiveIntegerField(default=0, help_text="Of whom bought")
    fan_points = models.PositiveIntegerField(
        default=0,
        help_text="Orders (12 months) + 5 per referral that bought + 3 per review + 2 per idea",
    )

    class Meta:
        indexes = [
            models.Index(fields=["organization", "score"]),
            models.Index(fields=["organization", "-value_12m"], name="health_by_value"),
            models.Index(fields=["organization", "-fan_points"], name="health_by_fan_points"),
            models.Index(fields=["organization", "due_at"]),
            models.Index(fields=["organization", "last_touch_at"]),
            models.Index(
                fields=["organization"], condition=models.Q(dirty=True), name="health_dirty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.score}"


class HealthDay(models.Model):
    """The daily history, compact: a row only on the days the score changed."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    score = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "day"], name="health_day_per_customer")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.day}: {self.score}"


class HealthState(TimeStamped):
    """Per organization: when the recompute last ran (its watermark) and the fitted weights."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.CASCADE)
    watermark = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_customers = models.PositiveIntegerField(default=0)
    last_run_seconds = models.FloatField(default=0)
    weights = models.JSONField(default=dict, blank=True, help_text="Fitted; empty: the defaults")
    bands = models.JSONField(default=dict, blank=True, help_text="Customers per band (roll-up)")
    value_at_risk = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    fit = models.JSONField(default=dict, blank=True, help_text="The last backtest's figures")


class ThankYouState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ThankYou(OrgScoped):
    """A thank-you to a superfan: the outbox row, sent by a task, retried by the sweep."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=ThankYouState.choices, default=ThankYouState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]


class ReferralLink(OrgScoped):
    """A customer's personal referral link: sign-ups and first purchases come back to them."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="referral_link"
    )
    code = models.CharField(max_length=24, unique=True)
    clicks = models.PositiveIntegerField(default=0)


class Referral(OrgScoped):
    """Someone who signed up through a link; `first_purchase_at` once they bought."""

    link = models.ForeignKey(ReferralLink, on_delete=models.CASCADE, related_name="referrals")
    referred = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="referred_by"
    )
    signed_up_at = models.DateTimeField()
    first_purchase_at = models.DateTimeField(null=True, blank=True)


class LoyaltyProgram(TimeStamped):
    """The org's points rules. Points come from purchases only, never from answers."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.CASCADE)
    enabled = models.BooleanField(default=True)
    points_per_unit = models.DecimalField(
        max_digits=8, decimal_places=2, default=1, help_text="Points per 1.00 spent"
    )
    points_per_order = models.PositiveIntegerField(default=10)
    first_order_bonus = models.PositiveIntegerField(default=50)
    every_nth_order = models.PositiveSmallIntegerField(default=5, help_text="0: no streak bonus")
    nth_order_bonus = models.PositiveIntegerField(default=100)
    referral_landing_url = models.URLField(
        blank=True, help_text="Where a referral link leads (the code is added as ?ref=)"
    )


class LoyaltyLevel(OrgScoped):
    name = models.CharField(max_length=60)
    threshold = models.PositiveIntegerField(help_text="Points earned in total to reach it")
    benefits = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "threshold"], name="loyalty_level_threshold_per_org"
            )
        ]
        ordering = ["threshold"]


class LoyaltyEntry(OrgScoped):
    """The ledger, append-only: an entry is never edited; a refund adds its reversal."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField()
    reason = models.CharField(max_length=200)
    key = models.CharField(max_length=200, help_text="order:<id>, refund:<id>, bonus:...")
    event = models.ForeignKey(
        "customers.CustomerEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"], name="loyalty_entry_key_per_org"
            )
        ]
        indexes = [models.Index(fields=["customer", "occurred_at"])]
