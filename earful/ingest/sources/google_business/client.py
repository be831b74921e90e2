"""Reading Google Business Profile reviews: from an export file, or from a webhook body.

A file holds review objects as a JSON array or JSON Lines, or the pages that
accounts.locations.reviews.list returns ({"reviews": [...], "averageRating": ...,
"totalReviewCount": ..., "nextPageToken": ...}), one per line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Raw


def read_file(path: Path) -> Iterator[Raw]:
    for review in common.iter_items(path, "reviews"):
        yield from common.records_only([review])


def webhook_records(body: Any) -> list[Raw]:
    """Reviews pushed to us: {"review": {...}}, {"reviews": [...]}, a bare review, or those
    inside a Google Cloud Pub/Sub push ({"message": {"data": base64 JSON}}). Google's own
    notification (type NEW_REVIEW / UPDATED_REVIEW) names the review without its content:
    it yields nothing here (the review comes with the next export)."""
    parsed = common.pubsub_data(common.parse_body(body))
    if isinstance(parsed, Mapping) and "type" in parsed and isinstance(parsed.get("review"), str):
        return []
    return common.records_only(common.unwrap(parsed, "reviews", "review"))
