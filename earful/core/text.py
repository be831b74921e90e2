"""One normalisation for every text that enters Earful, at the edge.

A text is refused when it holds a code point that cannot be stored or shown: a lone surrogate
(U+D800 to U+DFFF, which JSON's `\\ud800` escapes can carry but UTF-8 cannot encode: SQLite then
fails to decode the row, PostgreSQL refuses it) or a NUL (PostgreSQL cannot store it; other
code silently cut texts at it). Refused, not repaired: the sender learns which field is wrong
(422 naming it, or a form error), and nothing half-understood is stored. Every accepted text is
NFC-normalised, so that "é" typed two ways is one word to search, themes and counts.

Rows stored before this rule are repaired by data migrations with `repair_text` (an invalid
code point becomes U+FFFD, NULs are dropped). docs/self-hosting/security.md explains the choice.

Entry points: `clean_text` for one value, `clean_json` for a parsed JSON body (every key and
string in it, nested), `CleanStr` for pydantic/ninja schemas, `CleanTextFormMixin` for forms.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator

_INVALID = re.compile("[\x00\ud800-\udfff]")
MAX_DEPTH = 32  # nesting of JSON bodies: arrays and objects inside one another


class TextInvalid(ValueError):
    """A text Earful does not take: which field, and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def invalid_reason(value: str) -> str | None:
    """None for a text Earful takes, else why not (in words for the sender)."""
    found = _INVALID.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000)"
    return f"contains an invalid character (U+{ord(found.group()):04X}, a lone surrogate)"


def normalize(value: str) -> str:
    """NFC, which most texts already are (checked in C first)."""
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def clean_text(value: str, *, field: str) -> str:
    """`value` NFC-normalised, or TextInvalid(field, reason)."""
    reason = invalid_reason(value)
    if reason is not None:
        raise TextInvalid(field, reason)
    return normalize(value)


def clean_json(value: Any, *, field: str = "", max_depth: int = MAX_DEPTH) -> Any:
    """A parsed JSON value with every string (object keys too) passed through `clean_text`;
    TextInvalid names the path of the first bad one (`answers.q1_comment`, `items.3.text`), or
    `body` when the value nests deeper than `max_depth`."""
    return _clean_value(value, field, max_depth)


def _clean_value(value: Any, at: str, depth_left: int) -> Any:
    if isinstance(value, str):
        return clean_text(value, field=at or "body")
    if isinstance(value, Mapping | list):
        if depth_left <= 0:
            raise TextInvalid("body", f"nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, list):
            return [_clean_value(v, _join(at, str(i)), depth_left - 1) for i, v in enumerate(value)]
        return {
            clean_text(str(k), field=_join(at, str(k))): _clean_value(
                v, _join(at, str(k)), depth_left - 1
            )
            for k, v in value.items()
        }
    return value


def _join(at: str, name: str) -> str:
    return f"{at}.{name}" if at else name


def repair_text(value: str) -> str:
    """For rows stored before the rule: NULs dropped, lone surrogates become U+FFFD."""
    if _INVALID.search(value) is None:
        return value
    return _INVALID.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def repair_json(value: Any) -> Any:
    """`repair_text` applied to every string of a JSON value (keys too)."""
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, list):
        return [repair_json(v) for v in value]
    if isinstance(value, dict):
        return {repair_text(str(k)): repair_json(v) for k, v in value.items()}
    return value


def load_json(body: bytes | str) -> Any:
    """A JSON body parsed and cleaned (`clean_json`). A pure-ASCII body without `\\u` escapes
    (most answers) holds no bad code point and nothing to normalise: only parsed. Raises
    TextInvalid for a bad text or a body nested too deep, ValueError when it is not JSON."""
    raw = body.encode() if isinstance(body, str) else body
    try:
        value = json.loads(raw)
    except RecursionError:
        raise TextInvalid("body", f"nests deeper than {MAX_DEPTH} levels") from None
    if raw.isascii() and b"\\u" not in raw:
        return value
    return clean_json(value)


def _validate(value: str) -> str:
    reason = invalid_reason(value)
    if reason is not None:
        raise ValueError(reason)  # pydantic locates it: ninja answers 422 naming the field
    return normalize(value)


CleanStr = Annotated[str, AfterValidator(_validate)]
"""A str field of a schema that refuses NULs and lone surrogates and comes out NFC."""


class CleanTextFormMixin:
    """Every text a form cleans passes `clean_text`: a bad one is a form error on its field.
    (Browsers send UTF-8, which Django decodes with replacement, and CharField refuses NULs
    already; this holds the rule for every field and normalises to NFC.)"""

    cleaned_data: dict[str, Any]

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, str):
                try:
                    self.cleaned_data[name] = clean_text(value, field=name)
                except TextInvalid as exc:
                    self.add_error(name, f"This text {exc.reason}.")  # type: ignore[attr-defined]


_JSON_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def nests_deeper_than(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether a JSON text opens more than `limit` arrays or objects inside one another,
    found without parsing it (brackets inside strings do not count). A body with at most
    `limit` brackets in all is answered by two counts in C."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for token in _JSON_TOKENS.finditer(body):
        first = token.group()[0]
        if first in b"[{":
            depth += 1
            if depth > limit:
                return True
        elif first in b"]}":
            depth -= 1
    return False
