"""Any CSV file, with a column mapping (our field -> their column); see ../tabular.py."""

from __future__ import annotations

from earful.ingest.sources.base import Source
from earful.ingest.sources.csv import client, mapping

SOURCE = Source(
    name="csv",
    label="CSV file",
    kind=mapping.KIND,
    to_record=mapping.to_record,
    read_file=client.read_file,
    webhook_records=client.webhook_records,
    needs_columns=True,
)
