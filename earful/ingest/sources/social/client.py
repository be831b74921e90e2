"""Reading social posts: from an export file, or from a webhook body.

A file holds post objects as a JSON array or JSON Lines ({"posts": [...]} pages are accepted
too). The same post may appear on several lines (one per observation of its counts): each
line upserts the post and adds its metrics.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Raw


def read_file(path: Path) -> Iterator[Raw]:
    for post in common.iter_items(path, "posts"):
        yield from common.records_only([post])


def webhook_records(body: Any) -> list[Raw]:
    """A post, a list of posts, or {"posts": [...]}."""
    return common.records_only(common.unwrap(common.parse_body(body), "posts", "post"))
