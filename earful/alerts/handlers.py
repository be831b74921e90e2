"""Receivers of other apps' signals: they only enqueue. Should a message be lost, the alerts
sweep (`earful alerts-sweep`, the worker) evaluates the last days again.

`surveys.response_submitted` is not listened to: it comes with every answer, on the answer
hot path, and a task row per answer would cost that path a write. A survey answer with a
comment reaches the rules as a feedback item (its response is judged then); a score without
a comment is found by the sweep, within EARFUL_ALERT_SWEEP_SECONDS."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from earful.alerts import tasks
from earful.feedback.signals import feedback_enriched, feedback_recorded


@receiver(feedback_recorded)
def enqueue_evaluation_of_recorded(sender: Any, item_ids: list[int], **kwargs: Any) -> None:
    # Rules that need no enrichment (stars, scores) fire now; the others find nothing yet.
    tasks.evaluate_items.enqueue(list(item_ids))


@receiver(feedback_enriched)
def enqueue_evaluation_of_enriched(sender: Any, item_ids: list[int], **kwargs: Any) -> None:
    # Sentiment, hesitancy and themes are set: every item rule can judge the items now.
    tasks.evaluate_items.enqueue(list(item_ids))
