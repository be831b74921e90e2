"""Social posts in a generic shape (any platform, or a listening tool's export): author, reach
and followers, likes/shares/comments over time, URL."""

from __future__ import annotations

from earful.ingest.sources.base import Source
from earful.ingest.sources.social import client, mapping

SOURCE = Source(
    name="social",
    label="Social posts",
    kind=mapping.KIND,
    to_record=mapping.to_record,
    read_file=client.read_file,
    webhook_records=client.webhook_records,
)
