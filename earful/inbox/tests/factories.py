"""Feedback items for the inbox tests, written straight to the table (no enrichment runs)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from earful.accounts.models import Organization
from earful.feedback.models import FeedbackItem

_keys = count()


def make_item(
    organization: Organization,
    text: str = "The parcel arrived late",
    *,
    at: datetime | None = None,
    ago: timedelta | None = None,
    **fields: Any,
) -> FeedbackItem:
    """One item, received `ago` before now (or `at`); any FeedbackItem field can be given."""
    received = at or timezone.now() - (ago or timedelta(hours=1))
    fields.setdefault("channel", "ticket")
    fields.setdefault("source_key", f"test:{next(_keys)}")
    return FeedbackItem.objects.create(
        organization=organization, text=text, received_at=received, **fields
    )
