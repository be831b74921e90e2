"""Repairs rows stored before `core.text` refused bad texts at the edge (data migrations).

Before that rule, a lone surrogate or a NUL sent as a JSON escape (`"\\ud800"`, `"a\\u0000b"`)
could reach SQLite: the intake row kept the escape, and SQLite's `->>` wrote the decoded code
point into text columns as bytes that are not UTF-8 (every read of the row then failed:
"Could not decode to UTF-8") or a NUL that cut the text short when read. JSON columns kept the
escapes, which came back as such strings. PostgreSQL refused both from the start (its text
cannot hold them), so there is nothing to repair there.

`repair_text_columns` reads the suspect rows' raw bytes and writes them back repaired:
`core.text.repair_text` (a NUL dropped, an invalid code point becomes U+FFFD).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from earful.core.text import repair_json, repair_text


def repair_text_columns(
    apps: Any, schema_editor: Any, label: str, *, json_fields: tuple[str, ...] = ()
) -> None:
    """Every text and JSON column of the model `label` ("feedback.FeedbackItem") repaired: one
    scan of the table for suspect rows, one UPDATE per repaired row. `json_fields`: text
    fields that hold JSON text (repaired as JSON)."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    model = apps.get_model(label)
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = [
        (quote(f.column), _repaired_json if _is_json(f, json_fields) else _repaired_text)
        for f in model._meta.concrete_fields
        if isinstance(f, models.JSONField | models.CharField | models.TextField)
    ]
    if not columns:
        return
    suspects = " OR ".join(
        (_JSON_SUSPECT if fix is _repaired_json else _TEXT_SUSPECT).format(c=c)
        for c, fix in columns
    )
    blobs = ", ".join(f"CAST({c} AS BLOB)" for c, _ in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {blobs} FROM {table} WHERE {suspects}")
        for row_id, *raws in cursor.fetchall():
            fixed = {
                column: value
                for (column, fix), raw in zip(columns, raws, strict=True)
                if (value := fix(raw)) is not None
            }
            if fixed:
                sets = ", ".join(f"{c} = %s" for c in fixed)
                cursor.execute(
                    f"UPDATE {table} SET {sets} WHERE {pk} = %s",
                    [*fixed.values(), row_id],
                )


def _is_json(field: models.Field, json_fields: tuple[str, ...]) -> bool:
    return isinstance(field, models.JSONField) or field.name in json_fields


# Text holding a NUL or a byte that starts a UTF-8 sequence of U+D000-U+DFFF (surrogates among
# them); JSON holding an escape of U+0000 or of U+D000-U+DFFF. Python checks each exactly.
_TEXT_SUSPECT = "instr(CAST({c} AS BLOB), X'00') > 0 OR instr(CAST({c} AS BLOB), X'ED') > 0"
_JSON_SUSPECT = "{c} LIKE '%\\u0000%' OR {c} LIKE '%\\ud%'"


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8", "surrogatepass")  # a surrogate written as its 3 bytes
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _repaired_text(raw: bytes | None) -> str | None:
    """The repaired text, or None when the row needs nothing."""
    if raw is None:
        return None
    text = _decoded(bytes(raw))
    repaired = repair_text(text)
    if repaired == text:
        try:
            bytes(raw).decode("utf-8")
            return None
        except UnicodeDecodeError:
            pass
    return repaired


def _repaired_json(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    try:
        value = json.loads(_decoded(bytes(raw)))
    except ValueError:
        return None
    repaired = repair_json(value)
    return None if repaired == value else json.dumps(repaired)
