"""Receivers of other apps' signals: they only enqueue."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from earful.feedback.signals import feedback_recorded
from earful.insights import tasks


@receiver(feedback_recorded)
def enqueue_enrichment(sender: Any, item_ids: list[int], **kwargs: Any) -> None:
    # Sent on commit already, at most 500 ids at a time. Should this be lost, the enrichment
    # sweep (`earful enrich`, and the worker's periodic sweep) picks the items up.
    tasks.enrich_feedback.enqueue(list(item_ids))
