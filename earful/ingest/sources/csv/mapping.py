"""A CSV row (a dict from csv.DictReader) -> Record, by the column mapping. Pure.

The rules (guessed columns, ids from a hash of the row, dates, options such as
`_default_received_at`) are those of the file sources, in ../tabular.py.
"""

from __future__ import annotations

from earful.ingest.sources import tabular
from earful.ingest.sources.base import Columns, Raw, Record

KIND = "any"  # the import says tickets, reviews or posts


def to_record(raw: Raw, columns: Columns) -> Record:
    return tabular.to_record(raw, columns, get=tabular.flat_get, top_level=tabular.same_column)
