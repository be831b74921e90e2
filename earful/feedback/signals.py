"""Signals the feedback app emits. Receivers only enqueue work (STYLE.md)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent on commit after feedback items were recorded (new ones, and stored ones given again,
# e.g. an edited answer); kwargs: item_ids (list of FeedbackItem ids, at most 500 per send).
# Receivers must not assume the items still need anything: enrichment skips analyzed ones.
feedback_recorded = Signal()

# Sent on commit after enrichment analyzed feedback items (sentiment, hesitancy and themes are
# set); kwargs: item_ids (list of FeedbackItem ids). Alerts read it; receivers only enqueue.
feedback_enriched = Signal()
