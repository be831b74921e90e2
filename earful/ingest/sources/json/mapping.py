"""A JSON object -> Record, by the column mapping, where a column may be a dotted path
("user.email", "ratings.0.value"). Pure.

The rules (guessed columns, ids from a hash of the object, dates, options such as
`_default_received_at`) are those of the file sources, in ../tabular.py. Guessing looks at the
top-level keys only; a mapped path keeps its whole top-level key out of `metadata`.
"""

from __future__ import annotations

from earful.ingest.sources import common, tabular
from earful.ingest.sources.base import Columns, Raw, Record

KIND = "any"  # the import says tickets, reviews or posts


def to_record(raw: Raw, columns: Columns) -> Record:
    return tabular.to_record(raw, columns, get=common.dig, top_level=_top_level)


def _top_level(column: str) -> str:
    return column.split(".", 1)[0]
