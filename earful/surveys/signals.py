"""Signals the surveys app emits. Receivers only enqueue work (STYLE.md)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent on commit after a new response is stored (at its first answers);
# kwargs: response_id, invitation_id (the invitation the respondent came from, or None).
response_submitted = Signal()
