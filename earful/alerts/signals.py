"""Signals the alerts app emits. Receivers only enqueue work (STYLE.md)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent on commit after alerts fired; kwargs: alert_ids (list of Alert ids). Cases reads it
# (rules with "open a case"); receivers only enqueue.
alert_fired = Signal()
