"""What every source folder provides: a pure mapping from one raw record (a dict as the tool
exports it) to a `Record`, and I/O that reads raw records from a file or a webhook body.

A source is a package `earful/ingest/sources/<name>/` with:
- `mapping.py`: `KIND` (tickets | reviews | posts) and `to_record(raw, columns) -> Record`,
  pure (no database, no files, no clock); raises `MappingError(field, reason)` for a bad row.
- `client.py`: `read_file(path) -> Iterator[dict]` streaming raw records from an export file
  (bounded memory), and `webhook_records(body) -> list[dict]` for the tool's webhook payload.
- `__init__.py`: `SOURCE = Source(...)` tying them together.
- `tests/`: recorded sample payloads (`samples/`) and tests of the mapping on them.
See docs/dev/adding-a-source.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

Raw = Mapping[str, Any]
Columns = Mapping[str, str]  # our field name -> the column holding it (CSV/JSON sources)


class MappingError(ValueError):
    """A raw record that cannot become a Record: which field, and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Metrics:
    """A social post's reach and engagement at `observed_at`."""

    observed_at: datetime
    followers: int | None = None
    reach: int | None = None
    likes: int = 0
    shares: int = 0
    comments: int = 0


@dataclass(frozen=True)
class Record:
    """One ticket, review or post, as Earful keeps it (becomes a FeedbackItem)."""

    external_id: str
    text: str
    received_at: datetime  # aware
    title: str = ""
    rating: int | None = None  # stars, on `rating_scale`
    rating_scale: str = ""  # "1-5"
    author: str = ""  # public name (reviews, posts)
    customer_email: str = ""  # matched to a Customer of the organization when known
    customer_external_id: str = ""
    url: str = ""
    metrics: tuple[Metrics, ...] = ()  # posts: reach/engagement over time, oldest first
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    name: str  # the folder name
    label: str  # for people: "Zendesk tickets"
    kind: str  # "tickets" | "reviews" | "posts" (ingest.models.Kind); file sources: any
    to_record: Callable[[Raw, Columns], Record]
    read_file: Callable[[Path], Iterator[Raw]]
    webhook_records: Callable[[Any], list[Raw]]
    needs_columns: bool = False  # CSV/JSON: the user maps columns
