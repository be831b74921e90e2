"""Signals the customers app emits. Receivers only enqueue work (STYLE.md)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after new customer events are committed; kwargs: organization_id, event_ids.
events_recorded = Signal()
