"""Reading JSON objects: from a file (a JSON array or JSON Lines, read incrementally), or from a
webhook body."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Raw

PAGE_KEYS = ("records", "items", "results")


def read_file(path: Path) -> Iterator[Raw]:
    """Each object of a JSON array or a JSON Lines file, one at a time (bounded memory). A value
    that is a page such as {"records": [...]} (or "items", "results") stands for its objects."""
    for item in common.iter_items(path, *PAGE_KEYS):
        yield from common.records_only([item])


def webhook_records(body: Any) -> list[Raw]:
    """A JSON object, a JSON array of objects, or {"records": [...]} ("items", "results")."""
    return common.records_only(common.unwrap(common.parse_body(body), *PAGE_KEYS))
