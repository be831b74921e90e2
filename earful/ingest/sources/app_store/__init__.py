"""App Store reviews: the customerReviews resources of the App Store Connect API."""

from __future__ import annotations

from earful.ingest.sources.app_store import client, mapping
from earful.ingest.sources.base import Source

SOURCE = Source(
    name="app_store",
    label="App Store reviews",
    kind=mapping.KIND,
    to_record=mapping.to_record,
    read_file=client.read_file,
    webhook_records=client.webhook_records,
)
