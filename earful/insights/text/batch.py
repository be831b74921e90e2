"""Reading any CSV for `earful analyze`: checks that fail early and clearly, chunked rows.

Every problem with the file as a whole is a BatchError with a message a person can act on
(the file is missing, not UTF-8, has no such column: here are the columns it has). Problems
with one row (blank text, a score that is not a number) become that row's status instead.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

CHUNK_ROWS = 512
# Row statuses written to the output's `status` column.
OK = "ok"
EMPTY_TEXT = "empty_text"
BAD_SCORE = "bad_score"  # analysed without its score


class BatchError(Exception):
    """The input cannot be analysed at all; the message says why."""


@dataclass(frozen=True)
class InputRow:
    id: str
    text: str
    score: float | None
    status: str


@dataclass(frozen=True)
class Survey:
    """What a first, cheap pass over the file found."""

    rows: int
    score_range: tuple[float, float] | None  # lowest and highest score seen


@contextmanager
def _reading(path: Path, encoding: str) -> Iterator[TextIO]:
    """Opens the file; turns every way reading it can fail into a BatchError that says why."""
    try:
        with path.open(encoding=encoding, newline="") as stream:
            yield stream
    except FileNotFoundError:
        raise BatchError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BatchError(f"{path}: is a folder, not a CSV file") from None
    except PermissionError:
        raise BatchError(f"{path}: not allowed to read it") from None
    except UnicodeDecodeError as error:
        raise BatchError(
            f"{path}: not {encoding} text (byte {error.start} cannot be decoded); "
            "save it as UTF-8 or pass --encoding (e.g. --encoding cp1252)"
        ) from None
    except LookupError:
        raise BatchError(f"--encoding {encoding}: unknown encoding") from None
    except OSError as error:
        raise BatchError(f"{path}: cannot read it ({error.strerror or error})") from None


def _csv_rows(path: Path, encoding: str) -> Iterator[dict[str, str | None]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with _reading(path, encoding) as stream:
        reader = csv.DictReader(stream)
        try:
            yield from reader
        except csv.Error as error:
            raise BatchError(f"{path}, line {reader.line_num}: not valid CSV ({error})") from None


def header(path: Path, encoding: str) -> list[str]:
    """The column names, or a BatchError when the file cannot be read or has none."""
    with _reading(path, encoding) as stream:
        try:
            names = next(csv.reader(stream), None)
        except csv.Error as error:
            raise BatchError(f"{path}, line 1: not valid CSV ({error})") from None
    if not names or not any(name.strip() for name in names):
        raise BatchError(f"{path}: the file is empty (expected a header row with column names)")
    return names


def check_columns(path: Path, names: list[str], wanted: dict[str, str | None]) -> None:
    """`wanted` maps an option (--text-column) to the column it names (None: not asked for)."""
    for option, column in wanted.items():
        if column is not None and column not in names:
            available = ", ".join(repr(name) for name in names)
            raise BatchError(f"{option} {column!r}: {path} has no such column; it has {available}")


def parse_score(value: str | None) -> tuple[float | None, bool]:
    """(score, ok): blank is (None, True); something that is not a number is (None, False)."""
    if value is None or not value.strip():
        return None, True
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        return None, False
    return (number, True) if number == number and abs(number) != float("inf") else (None, False)


def survey(path: Path, encoding: str, score_column: str | None) -> Survey:
    """Counts the rows and the score range, reading the whole file once (catches bad bytes)."""
    count, low, high = 0, float("inf"), float("-inf")
    for row in _csv_rows(path, encoding):
        count += 1
        if score_column is not None:
            score, _ = parse_score(row.get(score_column))
            if score is not None:
                low, high = min(low, score), max(high, score)
    return Survey(rows=count, score_range=(low, high) if low <= high else None)


def _input_row(
    number: int, row: dict[str, str | None], text_column: str, id_column: str | None
) -> InputRow:
    text = (row.get(text_column) or "").strip()
    identifier = (row.get(id_column) or "") if id_column else str(number)
    return InputRow(id=identifier, text=text, score=None, status=OK if text else EMPTY_TEXT)


def chunks(
    path: Path,
    encoding: str,
    *,
    text_column: str,
    id_column: str | None,
    score_column: str | None,
    size: int = CHUNK_ROWS,
) -> Iterator[list[InputRow]]:
    """The file's rows, `size` at a time; without an id column a row's id is its number (1..)."""
    chunk: list[InputRow] = []
    for number, row in enumerate(_csv_rows(path, encoding), start=1):
        item = _input_row(number, row, text_column, id_column)
        if score_column is not None:
            score, ok = parse_score(row.get(score_column))
            status = item.status if ok else (item.status if not item.text else BAD_SCORE)
            item = InputRow(id=item.id, text=item.text, score=score, status=status)
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
