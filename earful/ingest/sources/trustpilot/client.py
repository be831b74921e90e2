"""Reading Trustpilot reviews: from an export file, or from a webhook body.

A file holds review objects as a JSON array or JSON Lines, or the pages the reviews API
returns ({"reviews": [...], "links": [...]}), one per line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Raw

EVENTS = ("service-review-created", "service-review-updated")


def read_file(path: Path) -> Iterator[Raw]:
    for review in common.iter_items(path, "reviews"):
        yield from common.records_only([review])


def webhook_records(body: Any) -> list[Raw]:
    """The reviews of a Trustpilot webhook: {"events": [{"eventName":
    "service-review-created", "eventData": {...review...}}, ...]} (created and updated reviews;
    other events, such as service-review-deleted, are skipped). A body that is a review or a
    list of them is read as is."""
    parsed = common.parse_body(body)
    if isinstance(parsed, Mapping) and isinstance(parsed.get("events"), list):
        return [
            event["eventData"]
            for event in parsed["events"]
            if isinstance(event, Mapping)
            and event.get("eventName") in EVENTS
            and isinstance(event.get("eventData"), Mapping)
        ]
    return common.records_only(common.unwrap(parsed, "reviews"))
