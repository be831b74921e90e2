"""Zendesk Support tickets: the ticket objects of the API and of the incremental export (with
side-loaded users), and Zendesk webhooks (trigger bodies and ticket events)."""

from __future__ import annotations

from earful.ingest.sources.base import Source
from earful.ingest.sources.zendesk import client, mapping

SOURCE = Source(
    name="zendesk",
    label="Zendesk tickets",
    kind=mapping.KIND,
    to_record=mapping.to_record,
    read_file=client.read_file,
    webhook_records=client.webhook_records,
)
