"""Signals the customers app emits. Receivers only enqueue work (STYLE.md)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after new customer events are committed; kwargs: organization_id, customer_ids
# (the customers whose events these are; empty when not known).
events_recorded = Signal()
