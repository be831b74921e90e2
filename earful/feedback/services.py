"""Writes for feedback items. Other apps hand their customers' words over here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

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
        _announce_ids([chunk[0].pk] if len(chunk) == 1 and chunk[0].pk else _ids_of(chunk))


def announce_feedback(item_ids: Sequence[int]) -> None:
    """Sends `feedback_recorded` for items a writer stored with `announce=False`, once the
    transaction commits (at once outside one)."""
    if item_ids and feedback_recorded.has_listeners():
        _announce_ids(item_ids)


def _announce_ids(ids: Sequence[int]) -> None:
    for start in range(0, len(ids), _ANNOUNCE_BATCH):
        chunk = list(ids[start : start + _ANNOUNCE_BATCH])
        send = partial(feedback_recorded.send, sender=FeedbackItem, item_ids=chunk)
        transaction.on_commit(send)


# The columns a SELECT hands to `record_feedback_selected`, in this order; every other column
# takes its field's default, and the two time stamps the time of the call.
SELECTED = (
    "organization_id",
    "channel",
    "source_key",
    "customer_id",
    "text",
    "score",
    "received_at",
)


@cache
def _insert_selected_sql(using: str) -> tuple[str, tuple[str, ...]]:
    """The INSERT around a SELECT of the SELECTED columns, and the attnames of the columns
    that take a parameter (defaults and stamps), in their order."""
    quote = connections[using].ops.quote_name
    fields = [f for f in FeedbackItem._meta.concrete_fields if f is not FeedbackItem._meta.pk]
    given = [f for f in fields if f.attname in SELECTED]
    rest = [f for f in fields if f.attname not in SELECTED]
    columns = ", ".join(quote(f.column) for f in given + rest)
    picked = ", ".join(f"given.{quote(f.attname)}" for f in given)
    defaults = ", ".join(["%s"] * len(rest))
    unique = ", ".join(quote(c) for c in ("organization_id", "source_key"))
    sql = (
        f"INSERT INTO {quote(FeedbackItem._meta.db_table)} ({columns}) "
        # WHERE true: SQLite would read the ON of ON CONFLICT as a join's after a bare FROM.
        f"SELECT {picked}, {defaults} FROM ({{select}}) AS given WHERE true "
        f"ON CONFLICT ({unique}) DO NOTHING RETURNING {quote(FeedbackItem._meta.pk.column)}"  # type: ignore[union-attr]
    )
    return sql, tuple(f.attname for f in rest)


def _default_params(using: str, attnames: Sequence[str]) -> list[Any]:
    connection, now = connections[using], timezone.now()
    params = []
    for attname in attnames:
        field = FeedbackItem._meta.get_field(attname)
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        value = now if stamped else field.get_default()  # type: ignore[union-attr]
        params.append(field.get_db_prep_save(value, connection))  # type: ignore[union-attr]
    return params


def record_feedback_selected(
    select: str, params: Sequence[Any], *, announce: bool = True
) -> list[int]:
    """Stores, in one statement, the items a SELECT yields (its columns named as SELECTED,
    in any order), as `record_feedback` stores objects: one whose (organization, source_key)
    exists is left as it is, and `feedback_recorded` names the new ones on commit (or later,
    by `announce_feedback`, with `announce=False`: should that be lost, the enrichment sweep
    still finds them). For writers of many items at once that can say them in SQL (the
    expansion of survey answers); the SELECT must leave out items without words. Returns the
    new items' ids."""
    using = router.db_for_write(FeedbackItem)
    sql, rest = _insert_selected_sql(using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql.format(select=select), [*_default_params(using, rest), *params])
        ids = [row[0] for row in cursor.fetchall()]
    if announce:
        announce_feedback(ids)
    return ids


def _ids_of(items: Sequence[FeedbackItem]) -> list[int]:
    keys: dict[int, list[str]] = {}
    for item in items:
        keys.setdefault(item.organization_id, []).append(item.source_key)
    match = Q()
    for organization_id, source_keys in keys.items():
        match |= Q(organization_id=organization_id, source_key__in=source_keys)
    return list(FeedbackItem.objects.filter(match).values_list("pk", flat=True))
