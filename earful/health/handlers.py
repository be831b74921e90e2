"""Receivers of lower apps' signals: they only enqueue. Should a message be lost, the health
sweep finds the change through its watermark (services/recompute.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from earful.customers.signals import events_recorded
from earful.feedback.signals import feedback_enriched
from earful.health import tasks


@receiver(events_recorded)
def enqueue_health_of_buyers(
    sender: Any, organization_id: int, customer_ids: list[int] | None = None, **kwargs: Any
) -> None:
    if customer_ids:
        tasks.apply_orders.enqueue(organization_id, list(customer_ids))
        tasks.recompute_customers.enqueue(organization_id, list(customer_ids))
    else:
        tasks.refresh_health.enqueue(organization_id)


@receiver(feedback_enriched)
def enqueue_health_of_speakers(sender: Any, item_ids: list[int], **kwargs: Any) -> None:
    # Sentiment and hesitancy are known now: their customers' scores may move.
    tasks.recompute_speakers.enqueue(list(item_ids))
