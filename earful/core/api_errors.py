"""One error shape for the whole API: {"detail": [{"field": ..., "message": ...}]}."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field, WithJsonSchema


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: list[FieldErrorOut]


class ApiInvalid(Exception):
    """Raised by API code to answer 422 (or `status`) with field errors."""

    def __init__(self, errors: Iterable[tuple[str, str]], status: int = 422) -> None:
        self.errors = [{"field": f, "message": m} for f, m in errors]
        self.status = status
        super().__init__(self.errors)


def error_body(errors: Iterable[tuple[str, str]]) -> dict[str, Any]:
    return {"detail": [{"field": f, "message": m} for f, m in errors]}


def pydantic_errors(raw: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """Turns ninja/pydantic error dicts into (field, message) pairs like `body.questions.0.type`."""
    pairs = []
    for error in raw:
        loc = [str(part) for part in error.get("loc", ())]
        if loc[:2] == ["body", "payload"]:
            loc = loc[2:]  # name the field as the client sent it: `questions.0.type`
        pairs.append((".".join(loc) or "body", str(error.get("msg", "invalid"))))
    return pairs


# Numbers a client sends, bounded where they enter: a value no database integer holds used to
# reach the query and fail there (500). Out of range now answers 422 naming the parameter.
MAX_ID = 2**63 - 1  # SQLite's INTEGER, PostgreSQL's bigint
MAX_ROWS = 1_000_000_000  # offsets and page sizes (each endpoint clamps the page to its own max)
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_ROWS, description="Rows to skip")]
Limit = Annotated[int, Field(ge=1, le=MAX_ROWS)]


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError(
            "a local time without an offset, e.g. 09:00 (the customer's own zone applies)"
        )
    return value


LocalTime = Annotated[
    time,
    AfterValidator(_local_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "A local time, HH:MM or HH:MM:SS, without an offset",
            "example": "09:00",
        }
    ),
]
"""A time of day in someone's own zone: an offset (`10:38:05Z`) is refused with a 422, and the
OpenAPI document says `pattern`, not `format: time` (which, in JSON Schema, has an offset)."""
