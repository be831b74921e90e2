"""Writes for feedback items. Other apps hand their customers' words over here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Q

from earful.core.rows import PreparedRows, prepare_rows
from earful.feedback.models import FeedbackItem
from earful.feedback.signals import feedback_recorded

_ANNOUNCE_BATCH = 500  # ids per signal (and source keys per lookup)


def record_feedback(*, items: Sequence[FeedbackItem]) -> int:
    """Stores new items; an item whose (organization, source_key) exists is left as it is.

    One statement per 500 items (this is on the answer hot path). Returns how many items had
    words to keep. On commit, `feedback_recorded` names every kept item (new or already
    stored), so enrichment picks them up; see `_announce`."""
    return prepare_feedback(items=items).record()


@dataclass(frozen=True)
class Recording:
    """Feedback items ready to be recorded: `record()` runs the prepared statements (and
    announces the items), so a caller can prepare before taking a lock, a transaction."""

    kept: Sequence[FeedbackItem]
    rows: PreparedRows

    def record(self) -> int:
        self.rows.write()
        _announce(self.kept)
        return len(self.kept)


def prepare_feedback(*, items: Sequence[FeedbackItem]) -> Recording:
    """`record_feedback` in two steps: this one prepares, `Recording.record()` writes."""
    kept = [item for item in items if item.text.strip()]
    return Recording(kept, prepare_rows(kept, unique=("organization", "source_key")))


def _announce(kept: Sequence[FeedbackItem]) -> None:
    """Sends `feedback_recorded` with the kept items' ids once the transaction commits.

    A lone new item already has its id; otherwise one lookup per 500 items by their unique
    (organization, source_key). Skipped when nobody listens."""
    if not kept or not feedback_recorded.has_listeners():
        return
    for start in range(0, len(kept), _ANNOUNCE_BATCH):
        chunk = kept[start : start + _ANNOUNCE_BATCH]
        ids = [chunk[0].pk] if len(chunk) == 1 and chunk[0].pk else _ids_of(chunk)
        if ids:
            send = partial(feedback_recorded.send, sender=FeedbackItem, item_ids=ids)
            transaction.on_commit(send)


def _ids_of(items: Sequence[FeedbackItem]) -> list[int]:
    keys: dict[int, list[str]] = {}
    for item in items:
        keys.setdefault(item.organization_id, []).append(item.source_key)
    match = Q()
    for organization_id, source_keys in keys.items():
        match |= Q(organization_id=organization_id, source_key__in=source_keys)
    return list(FeedbackItem.objects.filter(match).values_list("pk", flat=True))
