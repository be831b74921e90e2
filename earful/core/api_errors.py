"""One error shape for the whole API: {"detail": [{"field": ..., "message": ...}]}."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ninja import Schema


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
