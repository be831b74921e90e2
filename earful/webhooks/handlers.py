"""Receivers of other apps' signals: they only enqueue.

Responses and alerts are not listened to: the sweep reads them past a watermark
(services.publish_new_responses / publish_new_alerts), so the answer path writes nothing more
and a lost message loses nothing."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from earful.feedback.signals import feedback_enriched
from earful.webhooks import tasks


@receiver(feedback_enriched)
def enqueue_enriched_items(sender: Any, item_ids: list[int], **kwargs: Any) -> None:
    tasks.publish_enriched_items.enqueue(list(item_ids))
