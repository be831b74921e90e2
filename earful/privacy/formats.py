"""Writing rows as CSV or JSON Lines that open safely in a spreadsheet. Pure: no database."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

FORMATS = ("csv", "jsonl")
BOM = "\ufeff"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, quoted with a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(part) for part in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def csv_lines(
    columns: list[str], rows: Iterable[dict[str, Any]], *, bom: bool = False
) -> Iterator[str]:
    """The header, then one line per row; every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([neutralise(name) for name in columns])
    yield (BOM if bom else "") + flush()
    for row in rows:
        cells = ("" if row.get(c) is None else neutralise(_plain(row.get(c))) for c in columns)
        writer.writerow(cells)
        yield flush()


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One JSON object per line (values as they are: JSON runs no formula)."""
    for row in rows:
        yield json.dumps(row, ensure_ascii=False, default=str) + "\n"


def lines(
    format: str, columns: list[str], rows: Iterable[dict[str, Any]], *, bom: bool = False
) -> Iterator[str]:
    if format == "csv":
        return csv_lines(columns, rows, bom=bom)
    if format == "jsonl":
        return jsonl_lines(rows)
    raise ValueError(f"format: one of {', '.join(FORMATS)}")
