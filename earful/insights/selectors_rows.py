"""Scored responses as numpy columns, in one query, for the statistics in insights.stats.

Also: periods (date ranges) as the API takes them, and themes per response from a mapping
feedback item id -> theme names (whoever assigns themes to items provides that mapping).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from earful.accounts.models import Organization
from earful.feedback.models import FeedbackItem
from earful.surveys.models import Response, Survey, TrustMode

# Feedback items a survey response wrote carry this source key prefix, then the response's uid
# (earful.surveys.services.answering._source_key); test_stats_selectors checks it still holds.
RESPONSE_ITEM_PREFIX = "survey-response:"
ItemThemes = Mapping[int, Collection[str]]  # feedback item id -> names of its themes
SEGMENT_ATTRIBUTES = ("plan", "region")  # customer attributes that make segments
NO_SEGMENT = "(none)"


@dataclass(frozen=True)
class Period:
    """From `start` (inclusive) to `end` (exclusive), aware datetimes."""

    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        last = (self.end - timedelta(days=1)).date()
        return f"{self.start.date().isoformat()}..{last.isoformat()}"


def parse_period(text: str) -> Period:
    """ "2026-01-01..2026-03-31": both days included, UTC. ValueError when malformed."""
    first, sep, last = text.partition("..")
    if not sep:
        raise ValueError("write a period as YYYY-MM-DD..YYYY-MM-DD")
    start, end = date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
    if end < start:
        raise ValueError("a period must end on or after its first day")
    return Period(_midnight(start), _midnight(end + timedelta(days=1)))


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def default_periods(*, now: datetime | None = None, days: int = 90) -> tuple[Period, Period]:
    """The last `days` days (today included) and the `days` days before them."""
    tomorrow = _midnight((now or timezone.now()).astimezone(UTC).date() + timedelta(days=1))
    b = Period(tomorrow - timedelta(days=days), tomorrow)
    return Period(b.start - timedelta(days=days), b.start), b


def to_datetime64(moments: list[datetime]) -> np.ndarray:
    """Aware datetimes as UTC datetime64[s]."""
    return np.array([int(m.timestamp()) for m in moments], dtype=np.int64).astype("datetime64[s]")


@dataclass(frozen=True)
class Rows:
    """One entry per scored response (a headline score answered), oldest first."""

    ids: np.ndarray
    uids: list[str]
    surveys: np.ndarray
    titles: np.ndarray  # the survey's title
    kinds: np.ndarray  # the survey's score kind: nps, csat, ces, rating
    trustee: np.ndarray  # bool: no identity, no breakdown
    times: np.ndarray  # datetime64[s], UTC
    scores: np.ndarray  # float
    tiers: np.ndarray  # tier names
    channels: np.ndarray  # how the survey reached them: link, email, widget ...
    customers: np.ndarray  # object: a stable key per customer, None when unknown
    segments: dict[str, np.ndarray]  # "account", "plan", "region" -> label per response

    def __len__(self) -> int:
        return len(self.ids)


_FIELDS = (
    "id", "uid", "survey_id", "survey__score_kind", "survey__trust_mode", "submitted_at",
    "score", "tier", "channel", "customer_id", "customer_ref", "respondent_code",
    "customer__account__name", "customer__attributes", "survey__title",
)  # fmt: skip


def load_rows(
    organization: Organization, *, start: datetime, end: datetime, survey: Survey | None = None
) -> Rows:
    """Every scored response of the organization (or of `survey`) in [start, end): one query."""
    query = Response.objects.filter(
        organization=organization, submitted_at__gte=start, submitted_at__lt=end
    ).exclude(tier="")
    if survey is not None:
        query = query.filter(survey=survey)
    raw = list(query.order_by("submitted_at", "id").values_list(*_FIELDS))
    return _columns(raw)


def _customer_key(customer_id: int | None, ref: str, code: str) -> str | None:
    """The same customer answering again gets the same key: their customer record, else the
    reference given with the answer, else their pseudonymous code; None when anonymous."""
    if customer_id is not None:
        return f"customer:{customer_id}"
    if ref:
        return f"ref:{ref}"
    return f"code:{code}" if code else None


def _attribute(attributes: Any, key: str) -> str:
    value = attributes.get(key) if isinstance(attributes, dict) else None
    return str(value) if value not in (None, "") else NO_SEGMENT


def _columns(raw: list[tuple[Any, ...]]) -> Rows:
    def column(i: int, dtype: Any = object) -> np.ndarray:
        return np.array([row[i] for row in raw], dtype=dtype)

    trustee = column(4) == TrustMode.TRUSTEE
    customers = np.array(
        [None if t else _customer_key(*r[9:12]) for r, t in zip(raw, trustee, strict=True)],
        dtype=object,
    )
    segments = {"account": np.array([r[12] or NO_SEGMENT for r in raw], dtype=object)}
    for key in SEGMENT_ATTRIBUTES:
        segments[key] = np.array([_attribute(r[13], key) for r in raw], dtype=object)
    return Rows(
        ids=column(0, np.int64),
        uids=[str(r[1]) for r in raw],
        surveys=column(2, np.int64),
        titles=column(14),
        kinds=column(3),
        trustee=trustee.astype(bool),
        times=to_datetime64([r[5] for r in raw]),
        scores=column(6, float),
        tiers=column(7),
        channels=column(8),
        customers=customers,
        segments=segments,
    )


def themes_by_response(
    organization: Organization, uids: list[str], item_themes: ItemThemes, *, since: datetime
) -> list[tuple[str, ...]]:
    """Per response (by uid), the themes of the feedback items it wrote (its comments and its
    follow-up answer), from a mapping item id -> theme names. One query: the survey items
    received since `since` (an item is never older than its response)."""
    if not item_themes:
        return [() for _ in uids]
    found: dict[str, set[str]] = {}
    items = FeedbackItem.objects.filter(
        organization=organization,
        received_at__gte=since,
        source_key__startswith=RESPONSE_ITEM_PREFIX,
    ).values_list("id", "source_key")
    for item_id, key in items.iterator():
        if item_id in item_themes:
            uid = key[len(RESPONSE_ITEM_PREFIX) :].split(":", 1)[0]
            found.setdefault(uid, set()).update(item_themes[item_id])
    return [tuple(sorted(found.get(uid, ()))) for uid in uids]
