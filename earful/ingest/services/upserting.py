"""Writing records (tickets, reviews, posts) as feedback items: the one writer that imports and
inbound webhooks share.

Each record becomes the FeedbackItem with source_key `<source>:<external_id>` in its
organization: a new key is inserted, a stored one is updated when anything it holds differs,
and left alone otherwise (so a rerun of the same file adds and changes nothing). A changed text
or score sends the item back to enrichment (`analyzed_at` NULL, the analysis cleared); its theme
assignment (insights' ItemTheme) is left for enrichment to replace. A post's metrics become
PostSnapshot rows, one per observed time. New and changed items are announced with
`feedback_recorded` once the transaction commits.

Records go CHUNK at a time, each chunk in its own transaction and in a handful of statements
whatever its size: one lookup of customers, one of stored items, one insert, one update (of the
changed items only), one insert of snapshots. Call `check_record` on each record first: a record
that cannot be stored (no id, no text, a naive time ...) is refused with the field and reason;
`upsert_records` raises on one and writes nothing of its chunk.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from earful.accounts.models import Organization
from earful.core.rows import prepare_rows
from earful.core.text import TextInvalid, clean_json, invalid_reason, normalize
from earful.customers.models import Customer
from earful.feedback.models import Channel, FeedbackItem
from earful.feedback.signals import feedback_recorded
from earful.ingest.models import Kind, PostSnapshot
from earful.ingest.sources.base import MappingError, Record, Source

logger = logging.getLogger(__name__)

CHUNK = 1000  # records per transaction and per statement
_ANNOUNCE_BATCH = 500  # ids per `feedback_recorded` (the signal's contract)

CHANNELS = {Kind.TICKETS: Channel.TICKET, Kind.REVIEWS: Channel.REVIEW, Kind.POSTS: Channel.SOCIAL}

# What a record sets on its item; an item is "updated" when one of these differs.
_COMPARED = (
    "channel",
    "source",
    "external_id",
    "title",
    "author",
    "url",
    "metadata",
    "text",
    "score",
    "score_scale",
    "received_at",
    "customer_id",
)
# A change of one of these sends the item back to enrichment.
_ANALYZED_FROM = ("text", "score", "score_scale")
_PENDING = {
    "analyzed_at": None,
    "sentiment": "",
    "sentiment_score": None,
    "hesitant": None,
    "hesitancy_reason": "",
    "enrichment_attempts": 0,
    "enrichment_error": "",
}
_SOURCE_KEY_MAX = FeedbackItem._meta.get_field("source_key").max_length or 200
_TITLE_MAX = FeedbackItem._meta.get_field("title").max_length or 300
_AUTHOR_MAX = FeedbackItem._meta.get_field("author").max_length or 200
_URL_MAX = FeedbackItem._meta.get_field("url").max_length or 500
_SCORE_RANGE = (-32768, 32767)  # a SmallIntegerField


@dataclass(frozen=True)
class UpsertCounts:
    """What `upsert_records` did. `item_ids`: the items the records landed in (new, updated and
    unchanged), in the records' order, each once."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    item_ids: tuple[int, ...] = ()

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            new=self.new + other.new,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
            item_ids=self.item_ids + other.item_ids,
        )

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged


def channel_of(kind: str) -> str:
    """The FeedbackItem channel of a source kind: tickets -> ticket, reviews -> review,
    posts -> social. Raises ValueError for another kind."""
    try:
        return CHANNELS[Kind(kind)]
    except ValueError:
        choices = ", ".join(Kind.values)
        raise ValueError(f"kind {kind!r}: expected one of {choices}") from None


def check_record(record: Record, *, source: Source) -> None:
    """Raises MappingError(field, reason) when `record` cannot be stored as it is."""
    external_id = record.external_id.strip()
    if not external_id:
        raise MappingError("external_id", "is empty")
    if len(source.name) + 1 + len(external_id) > _SOURCE_KEY_MAX:
        limit = _SOURCE_KEY_MAX - len(source.name) - 1
        raise MappingError("external_id", f"is longer than {limit} characters")
    if not _clean(record.text).strip():
        raise MappingError("text", "is empty: there is nothing to read")
    for name in _TEXTS:  # a NUL or a lone surrogate (core.text): refused, never stored
        reason = invalid_reason(getattr(record, name))
        if reason:
            raise MappingError(name, reason)
    try:
        json.dumps(record.metadata, allow_nan=False)
        clean_json(record.metadata)
    except TextInvalid as error:
        raise MappingError(_join("metadata", error.field), error.reason) from None
    except (TypeError, ValueError) as error:
        raise MappingError("metadata", f"is not JSON: {error}") from None
    if timezone.is_naive(record.received_at):
        raise MappingError("received_at", "has no time zone")
    if len(record.url) > _URL_MAX:
        raise MappingError("url", f"is longer than {_URL_MAX} characters")
    if record.rating is not None:
        _check_rating(record.rating, record.rating_scale)
    for metrics in record.metrics:
        if timezone.is_naive(metrics.observed_at):
            raise MappingError("metrics", "an observation time has no time zone")
        counts = (metrics.followers, metrics.reach, metrics.likes, metrics.shares, metrics.comments)
        if any(count is not None and count < 0 for count in counts):
            raise MappingError("metrics", "counts cannot be negative")


def _check_rating(rating: int, scale: str) -> None:
    low, high = _SCORE_RANGE
    if scale:
        try:
            low, high = (int(part) for part in scale.split("-"))
        except ValueError:
            raise MappingError("rating_scale", f"{scale!r} is not LOW-HIGH, e.g. 1-5") from None
    if not low <= rating <= high:
        raise MappingError("rating", f"{rating} is outside {low}-{high}")


def upsert_records(
    *,
    organization: Organization,
    source: Source,
    records: Sequence[Record],
    kind: str | None = None,
) -> UpsertCounts:
    """Stores `records` as feedback items of `organization` (see the module's docstring).

    `kind` (tickets | reviews | posts) overrides `source.kind`: file sources (CSV, JSON) bring
    whichever kind the import names. Of records sharing an external id, the last one wins and
    counts once. Raises MappingError for a record `check_record` refuses (nothing of its chunk
    is written) and ValueError for an unknown kind."""
    channel = channel_of(kind or source.kind)
    counts = UpsertCounts()
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        for record in chunk:
            check_record(record, source=source)
        counts += _upsert_chunk(organization, source, channel, chunk)
    return counts


def _upsert_chunk(
    organization: Organization, source: Source, channel: str, records: Sequence[Record]
) -> UpsertCounts:
    latest = {record.external_id.strip(): record for record in records}  # the last one wins
    keys = {f"{source.name}:{external_id}": external_id for external_id in latest}
    with transaction.atomic():
        customers = _customers(organization, latest.values())
        stored = {
            item.source_key: item
            for item in FeedbackItem.objects.filter(
                organization=organization, source_key__in=list(keys)
            ).only("source_key", "customer", *_COMPARED[:-1])
        }
        new, changed, reanalyzed, unchanged = [], [], [], []
        for source_key, external_id in keys.items():
            values = _values(latest[external_id], source, channel, customers)
            item = stored.get(source_key)
            if item is None:
                new.append(FeedbackItem(organization=organization, source_key=source_key, **values))
            elif not (differing := _apply(item, values)):
                unchanged.append(item)
            elif differing.isdisjoint(_ANALYZED_FROM):
                changed.append(item)
            else:
                reanalyzed.append(item)
        _insert(organization, new)
        _update(changed, [*_COMPARED, "updated_at"])
        _update(reanalyzed, [*_COMPARED, "updated_at", *_PENDING])
        changed += reanalyzed
        by_key = {item.source_key: item for item in (*new, *changed, *unchanged)}
        _snapshots(organization, [(by_key[key], latest[eid]) for key, eid in keys.items()])
        _announce([item.pk for item in (*new, *changed)])
    return UpsertCounts(
        new=len(new),
        updated=len(changed),
        unchanged=len(unchanged),
        item_ids=tuple(by_key[key].pk for key in keys),
    )


def _apply(item: FeedbackItem, values: dict[str, Any]) -> set[str]:
    """Sets the record's values on the stored item; returns the names of those that differed.
    Changed words or score also clear the analysis (enrichment runs again)."""
    if values["customer_id"] is None:  # a customer once matched stays matched
        values["customer_id"] = item.customer_id
    differing = {name for name, value in values.items() if getattr(item, name) != value}
    for name in differing:
        setattr(item, name, values[name])
    if not differing.isdisjoint(_ANALYZED_FROM):
        for name, value in _PENDING.items():
            setattr(item, name, value)
    return differing


def _insert(organization: Organization, items: list[FeedbackItem]) -> None:
    """Inserts the new items BATCH rows per statement and fetches their ids in one query. A
    key another writer (an import beside a webhook) inserted meanwhile is skipped, not an
    error: that item is the one the record lands in."""
    if not items:
        return
    prepare_rows(items, unique=("organization", "source_key")).write()
    ids = dict(
        FeedbackItem.objects.filter(
            organization=organization, source_key__in=[item.source_key for item in items]
        ).values_list("source_key", "pk")
    )
    for item in items:
        item.pk = ids[item.source_key]
        item._state.adding = False


def _values(
    record: Record, source: Source, channel: str, customers: dict[tuple[str, str], int]
) -> dict[str, Any]:
    email = record.customer_email.strip().lower()
    customer_id = customers.get(("id", record.customer_external_id.strip())) or customers.get(
        ("email", email)
    )
    return {
        "channel": channel,
        "source": source.name,
        "external_id": record.external_id.strip(),
        "title": _clean(record.title)[:_TITLE_MAX],
        "author": _clean(record.author)[:_AUTHOR_MAX],
        "url": record.url,
        "metadata": record.metadata,
        "text": _clean(record.text),
        "score": record.rating,
        "score_scale": record.rating_scale if record.rating is not None else "",
        "received_at": record.received_at,
        "customer_id": customer_id,
    }


_TEXTS = ("external_id", "text", "title", "author", "url", "customer_email", "customer_external_id")


def _clean(text: str) -> str:
    """NFC (`check_record` refused NULs and lone surrogates)."""
    return normalize(text)


def _join(at: str, name: str) -> str:
    return f"{at}.{name}" if name != "body" else at


def _customers(organization: Organization, records: Iterable[Record]) -> dict[tuple[str, str], int]:
    """("id", external id) and ("email", email) -> customer id, in one query. Of customers
    sharing an email, the first one made is matched."""
    external_ids = {r.customer_external_id.strip() for r in records} - {""}
    emails = {r.customer_email.strip().lower() for r in records} - {""}
    if not external_ids and not emails:
        return {}
    rows = (
        Customer.objects.filter(organization=organization)
        .filter(Q(external_id__in=external_ids) | Q(email__in=emails))
        .order_by("-pk")
        .values_list("pk", "external_id", "email")
    )
    found: dict[tuple[str, str], int] = {}
    for pk, external_id, email in rows:  # newest first: the oldest one is written last
        if external_id in external_ids:
            found[("id", external_id)] = pk
        if email and email.lower() in emails:
            found[("email", email.lower())] = pk
    return found


def _update(items: list[FeedbackItem], names: list[str]) -> None:
    """One prepared UPDATE by primary key, run for every item (`executemany`: one statement,
    where `bulk_update` builds a CASE per field and row, and on SQLite one per 40 rows)."""
    if not items:
        return
    db = connections[router.db_for_write(FeedbackItem)]
    by_attname = {field.attname: field for field in FeedbackItem._meta.concrete_fields}
    fields = [by_attname[name] for name in names]
    quote = db.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    table, pk = quote(FeedbackItem._meta.db_table), quote(by_attname["id"].column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"
    now, rows = timezone.now(), []
    for item in items:
        item.updated_at = now
        values = [field.get_db_prep_save(getattr(item, field.attname), db) for field in fields]
        rows.append([*values, item.pk])
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)


def _snapshots(organization: Organization, pairs: list[tuple[FeedbackItem, Record]]) -> None:
    """A PostSnapshot per record metrics; one already stored for the time is kept as it is."""
    rows = {
        (item.pk, metrics.observed_at): PostSnapshot(
            organization=organization,
            item_id=item.pk,
            observed_at=metrics.observed_at,
            followers=metrics.followers,
            reach=metrics.reach,
            likes=metrics.likes,
            shares=metrics.shares,
            comments=metrics.comments,
        )
        for item, record in pairs
        for metrics in record.metrics
    }
    if rows:
        prepare_rows(list(rows.values()), unique=("item", "observed_at")).write()


def _announce(item_ids: list[int]) -> None:
    """`feedback_recorded` on commit, at most _ANNOUNCE_BATCH ids per send."""
    if not item_ids or not feedback_recorded.has_listeners():
        return
    for start in range(0, len(item_ids), _ANNOUNCE_BATCH):
        ids = item_ids[start : start + _ANNOUNCE_BATCH]
        send = partial(feedback_recorded.send, sender=FeedbackItem, item_ids=ids)
        transaction.on_commit(send)
