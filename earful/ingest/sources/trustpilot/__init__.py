"""Trustpilot service reviews: the review objects of the business units reviews API (public and
private) and Trustpilot's service review webhooks."""

from __future__ import annotations

from earful.ingest.sources.base import Source
from earful.ingest.sources.trustpilot import client, mapping

SOURCE = Source(
    name="trustpilot",
    label="Trustpilot reviews",
    kind=mapping.KIND,
    to_record=mapping.to_record,
    read_file=client.read_file,
    webhook_records=client.webhook_records,
)
