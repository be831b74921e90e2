"""Freshdesk tickets: the ticket objects of the API v2 (list/view, `include=requester`) and
Freshdesk automation webhooks."""

from __future__ import annotations

from earful.ingest.sources.base import Source
from earful.ingest.sources.freshdesk import client, mapping

SOURCE = Source(
    name="freshdesk",
    label="Freshdesk tickets",
    kind=mapping.KIND,
    to_record=mapping.to_record,
    read_file=client.read_file,
    webhook_records=client.webhook_records,
)
