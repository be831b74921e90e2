"""Any JSON file (an array of objects or JSON Lines), with a column mapping whose columns may
be dotted paths ("user.email"); see ../tabular.py."""

from __future__ import annotations

from earful.ingest.sources.base import Source
from earful.ingest.sources.json import client, mapping

SOURCE = Source(
    name="json",
    label="JSON file",
    kind=mapping.KIND,
    to_record=mapping.to_record,
    read_file=client.read_file,
    webhook_records=client.webhook_records,
    needs_columns=True,
)
