from __future__ import annotations

from django.db import models

from earful.core.models import OrgScoped


class Account(OrgScoped):
    """A B2B company whose people are customers (the buyer is not always the user)."""

    name = models.CharField(max_length=200)
    is_key = models.BooleanField(
        default=False, help_text="A key account: alert rules can watch its customers closely"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="account_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Customer(OrgScoped):
    external_id = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=200, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    locale = models.CharField(max_length=16, blank=True)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    attributes = models.JSONField(default=dict, blank=True)
    unsubscribed_at = models.DateTimeField(
        null=True, blank=True, help_text="Asked to receive no more messages; Earful sends none"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"], name="customer_external_id_per_org"
            )
        ]
        indexes = [models.Index(fields=["organization", "email"])]

    def __str__(self) -> str:
        return self.name or self.email or self.external_id


class EventType(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    REFUND = "refund", "Refund"
    OTHER = "other", "Other activity"


# Event names read as a purchase or a refund when no type is given.
PURCHASE_NAMES = frozenset({"purchase", "first_purchase", "order", "renewal"})
REFUND_NAMES = frozenset({"refund", "order_refunded"})


class CustomerEvent(OrgScoped):
    """Something a customer did (`purchase`, `ticket_closed`...); journeys start surveys from it.

    Purchases and refunds carry an amount (exact, never a float) and, when they come from an
    order history, the order's id: health, superfans and loyalty read them."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=100)
    occurred_at = models.DateTimeField()
    type = models.CharField(max_length=10, choices=EventType.choices, default=EventType.OTHER)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="A purchase's value"
    )
    order_id = models.CharField(
        max_length=200, blank=True, help_text="Orders: the id in the shop (one purchase each)"
    )
    key = models.CharField(
        max_length=200, blank=True, help_text="Idempotency key: a retry with it adds nothing"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"],
                condition=~models.Q(key=""),
                name="customer_event_key_per_org",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "name", "occurred_at"]),
            models.Index(fields=["customer", "name", "occurred_at"]),
            # Health reads every customer's purchases at once, grouped by customer.
            models.Index(
                fields=["organization", "type", "customer", "occurred_at"],
                name="customer_event_by_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.occurred_at:%Y-%m-%d %H:%M}"
