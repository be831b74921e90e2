"""Reading CSV rows: from a file, row by row (bounded memory), or from a webhook body."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Raw

# A support ticket's text can be long; the csv module's default limit is 128 KiB per field.
csv.field_size_limit(min(sys.maxsize, 16 << 20))


def read_file(path: Path) -> Iterator[Raw]:
    """Each row of a CSV file as {header: value}, read row by row. The delimiter (comma,
    semicolon, tab or bar) is the one the header line uses most; an empty header cell is named
    "column_N"; a short row has "" for its missing cells; blank lines are skipped."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from _rows(handle)


def webhook_records(body: Any) -> list[Raw]:
    """A webhook that posts rows: a JSON object, a JSON array of objects, {"rows": [...]}, or
    CSV text (a header line, then rows) when the body is not JSON."""
    if isinstance(body, bytes | bytearray | memoryview):
        body = bytes(body).decode("utf-8-sig")
    if isinstance(body, str):
        stripped = body.lstrip()
        if not stripped.startswith(("{", "[")):
            return list(_rows(io.StringIO(body)))
    parsed = common.parse_body(body)
    return common.records_only(common.unwrap(parsed, "rows", "records"))


def _rows(handle: Any) -> Iterator[Raw]:
    first_line = handle.readline()
    handle.seek(0)
    delimiter = max(",;\t|", key=first_line.count)
    reader = csv.reader(handle, delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return
    names = [name.strip() or f"column_{index}" for index, name in enumerate(header, 1)]
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        record: dict[Any, Any] = dict(zip(names, row, strict=False))
        for name in names[len(row) :]:
            record[name] = ""
        if len(row) > len(names):
            record[None] = row[len(names) :]
        yield record
