"""Google Business Profile reviews (accounts.locations.reviews of the My Business API v4)."""

from __future__ import annotations

from earful.ingest.sources.base import Source
from earful.ingest.sources.google_business import client, mapping

SOURCE = Source(
    name="google_business",
    label="Google Business Profile reviews",
    kind=mapping.KIND,
    to_record=mapping.to_record,
    read_file=client.read_file,
    webhook_records=client.webhook_records,
)
