"""Reading Google Play reviews: from an export file, or from a webhook body.

A file holds the pages reviews.list returns ({"reviews": [...], "tokenPagination": {...},
"pageInfo": {...}}), one per line, or review objects as a JSON array or JSON Lines.
(Play's monthly CSV report in Cloud Storage is a different shape: import it with the csv
source and a column mapping.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Raw


def read_file(path: Path) -> Iterator[Raw]:
    for review in common.iter_items(path, "reviews"):
        yield from common.records_only([review])


def webhook_records(body: Any) -> list[Raw]:
    """Reviews pushed to us (Play has no review webhook; a relay may post them):
    {"reviews": [...]}, a review, a list of them, or those inside a Pub/Sub push."""
    parsed = common.pubsub_data(common.parse_body(body))
    return common.records_only(common.unwrap(parsed, "reviews", "review"))
