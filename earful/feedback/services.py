"""Writes for feedback items. Other apps hand their customers' words over here."""

from __future__ import annotations

from collections.abc import Sequence

from earful.feedback.models import FeedbackItem


def record_feedback(*, items: Sequence[FeedbackItem]) -> int:
    """Stores new items; an item whose (organization, source_key) exists is left as it is."""
    kept = [item for item in items if item.text.strip()]
    FeedbackItem.objects.bulk_create(kept, ignore_conflicts=True)
    return len(kept)
