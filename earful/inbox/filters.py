"""The inbox's filters: one parser for the page's query string and the API's parameters.

`parse_filter(params)` reads GET parameters into an `ItemFilter` and a list of
(field, reason) errors; a parameter it cannot read is left out, never guessed. `params()`
writes the filter back, so every list is a shareable URL. Existence (is theme 7 one of this
organization's?) is checked by the selectors, which have the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from earful.feedback.models import Channel, Sentiment
from earful.inbox.search import MAX_QUERY_LENGTH
from earful.insights.stats.tiers import LEVELS

EMERGING = "emerging"  # theme=emerging: analyzed items that fit no theme yet
STATUSES = ("pending", "analyzed", "failed")  # enrichment: waiting, done, given up on
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_RATING = re.compile(r"(\d{1,3})(?:\s*(?:-|\.\.)\s*(\d{1,3}))?")
_YES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}

Errors = list[tuple[str, str]]


@dataclass(frozen=True)
class ItemFilter:
    """Which feedback items to list. Every field is optional; blank or None means "any"."""

    q: str = ""  # full-text search (earful/inbox/search.py)
    channel: str = ""  # survey, ticket, review, social, idea
    source: str = ""  # an imported item's source: zendesk, trustpilot ...
    sentiment: str = ""
    theme: str = ""  # a theme id, or EMERGING
    tier: str = ""  # the customer's current tier (their latest scored answer)
    customer: int | None = None
    account: int | None = None
    since: date | None = None  # received on or after this day (UTC)
    until: date | None = None  # received on or before this day (UTC)
    rating: tuple[int, int] | None = None  # lowest and highest score, both included
    hesitant: bool | None = None
    status: str = ""  # enrichment: pending, analyzed, failed

    def params(self) -> dict[str, str]:
        """The query string's parameters, in a stable order, blanks left out."""
        out: dict[str, str] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, tuple):
                value = str(value[0]) if value[0] == value[1] else f"{value[0]}-{value[1]}"
            elif isinstance(value, date):
                value = value.isoformat()
            out[field.name] = str(value)
        return out

    def but(self, **changes: Any) -> ItemFilter:
        return replace(self, **changes)

    def without(self, name: str) -> ItemFilter:
        return self.but(
            **{name: None if isinstance(getattr(self, name), int | date | tuple) else ""}
        )

    @property
    def is_blank(self) -> bool:
        return not self.params()

    @property
    def received_from(self) -> datetime | None:
        return _midnight(self.since) if self.since else None

    @property
    def received_before(self) -> datetime | None:
        return _midnight(self.until + timedelta(days=1)) if self.until else None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _choice(allowed: tuple[str, ...]) -> Any:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return parse


def _query(value: str) -> str:
    if len(value) > MAX_QUERY_LENGTH:
        raise ValueError(f"at most {MAX_QUERY_LENGTH} characters")
    return value


def _source(value: str) -> str:
    if not _SOURCE.fullmatch(value):
        raise ValueError("a source's name: lowercase letters, digits, - and _ (up to 40)")
    return value


def _theme(value: str) -> str:
    if value == EMERGING:
        return value
    return str(_id(value, "a theme id or emerging"))


def _id(value: str, words: str = "an id (a whole number)") -> int:
    if not value.isascii() or not value.isdigit() or not 0 < int(value) < 2**63:
        raise ValueError(words)
    return int(value)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("a date written YYYY-MM-DD") from None


def _rating(value: str) -> tuple[int, int]:
    found = _RATING.fullmatch(value)
    if not found:
        raise ValueError("a score (4) or a range of scores (1-2), whole numbers")
    low = int(found.group(1))
    high = int(found.group(2)) if found.group(2) is not None else low
    if high < low:
        raise ValueError("a range is written lowest-highest (1-2)")
    return low, high


def _yes_no(value: str) -> bool:
    try:
        return _YES[value.lower()]
    except KeyError:
        raise ValueError("yes or no") from None


_PARSERS: dict[str, Any] = {
    "q": _query,
    "channel": _choice(tuple(Channel.values)),
    "source": _source,
    "sentiment": _choice(tuple(Sentiment.values)),
    "theme": _theme,
    "tier": _choice(LEVELS),
    "customer": lambda v: _id(v, "a customer id (a whole number)"),
    "account": lambda v: _id(v, "an account id (a whole number)"),
    "since": _day,
    "until": _day,
    "rating": _rating,
    "hesitant": _yes_no,
    "status": _choice(STATUSES),
}
FILTER_NAMES: tuple[str, ...] = tuple(_PARSERS)


def parse_filter(params: Mapping[str, Any]) -> tuple[ItemFilter, Errors]:
    """The filter the parameters ask for, and (field, reason) for each one it could not read.
    Unknown parameters are not filters and are not looked at (the pager's cursors ...)."""
    values: dict[str, Any] = {}
    errors: Errors = []
    for name, parse in _PARSERS.items():
        raw = params.get(name)
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            continue
        try:
            values[name] = parse(text)
        except ValueError as exc:
            errors.append((name, str(exc)))
    if values.get("since") and values.get("until") and values["until"] < values["since"]:
        errors.append(("until", "must be on or after since"))
        del values["until"]
    return ItemFilter(**values), errors
