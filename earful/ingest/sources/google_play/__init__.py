"""Google Play reviews: the reviews of the Google Play Developer API (reviews.list)."""

from __future__ import annotations

from earful.ingest.sources.base import Source
from earful.ingest.sources.google_play import client, mapping

SOURCE = Source(
    name="google_play",
    label="Google Play reviews",
    kind=mapping.KIND,
    to_record=mapping.to_record,
    read_file=client.read_file,
    webhook_records=client.webhook_records,
)
