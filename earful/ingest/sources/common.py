"""Helpers shared by the source folders: parsing dates, ratings, HTML and text into what a
`Record` holds (pure, raising `MappingError(field, reason)`), and streaming JSON values from a
file (a JSON array, JSON Lines, or one API page object) in bounded memory.

This module is not a source (the registry only looks at packages); every source may use it.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import html
import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from earful.ingest.sources.base import MappingError

# Lengths of the FeedbackItem columns a Record lands in (source_key = "<source>:<external_id>"
# must fit in 200 characters, and the longest source name is 40).
MAX_EXTERNAL_ID = 150
MAX_TITLE = 300
MAX_AUTHOR = 200
MAX_URL = 500
STARS = "1-5"

# ---------------------------------------------------------------- text


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment; block elements and <br> become line breaks."""

    BLOCKS = frozenset(
        {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
    )
    SKIPPED = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


_HTML_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


def strip_html(value: str) -> str:
    """The text of an HTML fragment, entities decoded, one blank line at most between
    paragraphs. Plain text passes through with its whitespace tidied."""
    if _HTML_TAG.search(value):
        extractor = _TextExtractor()
        extractor.feed(value)
        extractor.close()
        value = "".join(extractor.parts)
    else:
        value = html.unescape(value) if "&" in value else value
    return tidy_text(value)


def tidy_text(value: str) -> str:
    """Trailing spaces dropped, runs of spaces squeezed, at most one blank line in a row."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in value.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def as_text(value: Any) -> str:
    """A scalar as a trimmed string ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def require_text(value: Any, field: str = "text", *, html_allowed: bool = False) -> str:
    """The item's text, or MappingError(field, "empty")."""
    if value is not None and not isinstance(value, str | int | float):
        raise MappingError(field, f"expected text, got {type(value).__name__}")
    text = as_text(value)
    text = strip_html(text) if html_allowed else tidy_text(text)
    if not text:
        raise MappingError(field, "empty")
    return text


def clip(value: Any, limit: int) -> str:
    """A title or author name cut to the column's length (on a word, with an ellipsis)."""
    text = " ".join(as_text(value).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " ":  # the cut falls inside a word: drop its start
        cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip() + "…"


def external_id(value: Any, field: str = "external_id") -> str:
    """The tool's id of the item as a string, or MappingError."""
    if isinstance(value, bool) or (value is not None and not isinstance(value, str | int | float)):
        raise MappingError(field, f"expected an id, got {type(value).__name__}")
    text = as_text(value)
    if not text:
        raise MappingError(field, "missing")
    if len(text) > MAX_EXTERNAL_ID:
        raise MappingError(field, f"longer than {MAX_EXTERNAL_ID} characters")
    return text


def content_hash(raw: Mapping[str, Any]) -> str:
    """A stable id for a record that has none: the same content always hashes the same, so a
    rerun of the same file matches the same items."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    # surrogatepass: a lone surrogate hashes too (`check_record` refuses the record after)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def url(value: Any, field: str = "url") -> str:
    """An http(s) URL up to the column's length, "" when absent, else MappingError."""
    text = as_text(value)
    if not text:
        return ""
    if not re.match(r"^https?://[^\s/]+", text, re.IGNORECASE):
        raise MappingError(field, f"{text[:60]!r} is not an http(s) URL")
    if len(text) > MAX_URL:
        raise MappingError(field, f"longer than {MAX_URL} characters")
    return text


def email_address(value: Any, field: str = "customer_email") -> str:
    """A lower-cased email address, "" when absent, else MappingError."""
    text = as_text(value)
    if not text:
        return ""
    _, address = email.utils.parseaddr(text)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
        raise MappingError(field, f"{text[:60]!r} is not an email address")
    return address.lower()


# ---------------------------------------------------------------- dates

_SLASHED = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}")


def parse_datetime(value: Any, field: str = "received_at", *, date_format: str = "") -> datetime:
    """An aware datetime from what exports carry, else MappingError(field, ...).

    Accepted: a datetime (naive = UTC); ISO 8601 with or without a zone ("2024-03-05",
    "2024-03-05T10:00:00Z", "2024-03-05 10:00:00+01:00"; naive = UTC); "YYYY/MM/DD[ HH:MM[:SS]]";
    "DD.MM.YYYY[ HH:MM[:SS]]"; "March 5, 2024[ 10:15]", "5 March 2024"; RFC 2822
    ("Tue, 05 Mar 2024 10:00:00 +0000"); Unix time in seconds or milliseconds;
    and, when `date_format` is given, that strptime format.
    "03/05/2024" is refused unless `date_format` says which of day and month comes first.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise MappingError(field, "missing")
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, bool):
        raise MappingError(field, f"{value!r} is not a date")
    if isinstance(value, int | float):
        return _from_timestamp(float(value), field)
    if not isinstance(value, str):
        raise MappingError(field, f"expected a date, got {type(value).__name__}")
    text = value.strip()
    if date_format:
        try:
            return _aware(datetime.strptime(text, date_format))  # noqa: DTZ007 (made aware)
        except ValueError:
            raise MappingError(field, f"{text!r} does not match {date_format!r}") from None
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return _from_timestamp(float(text), field)
    iso = text[:-1] + "+00:00" if text[-1:] in "zZ" else text
    try:
        return _aware(datetime.fromisoformat(iso))
    except ValueError:
        pass
    for fmt in (
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y/%m/%d",
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
        "%d.%m.%Y",
        "%B %d, %Y %H:%M",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
    ):
        try:
            return _aware(datetime.strptime(text, fmt))  # noqa: DTZ007 (made aware)
        except ValueError:
            continue
    try:
        return _aware(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    if _SLASHED.match(text):
        raise MappingError(
            field, f"{text!r} is ambiguous (day or month first?): use YYYY-MM-DD or a date format"
        )
    raise MappingError(field, f"{text[:60]!r} is not a date")


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _from_timestamp(seconds: float, field: str) -> datetime:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise MappingError(field, f"{seconds!r} is not a date") from None


# ---------------------------------------------------------------- ratings

_SCALE = re.compile(r"^\s*(-?\d+)\s*-\s*(-?\d+)\s*$")


def parse_scale(value: Any, field: str = "rating_scale") -> tuple[int, int]:
    """ "1-5" -> (1, 5), else MappingError."""
    match = _SCALE.match(as_text(value))
    if not match or int(match[1]) >= int(match[2]):
        raise MappingError(field, f"{as_text(value)!r} is not a scale like 1-5")
    return int(match[1]), int(match[2])


def parse_rating(value: Any, scale: str = STARS, field: str = "rating") -> int | None:
    """A whole rating within `scale` ("4", 4, 4.0), None when absent, else MappingError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    low, high = parse_scale(scale)
    if isinstance(value, bool):
        raise MappingError(field, f"{value!r} is not a number")
    try:
        number = float(as_text(value).replace(",", "."))
    except ValueError:
        raise MappingError(field, f"{as_text(value)[:30]!r} is not a number") from None
    if not number.is_integer():
        raise MappingError(field, f"{as_text(value)} is not a whole number")
    rating = int(number)
    if not low <= rating <= high:
        raise MappingError(field, f"{rating} is outside {low}-{high}")
    return rating


def count(value: Any, field: str) -> int | None:
    """A non-negative whole count (likes, reach ...), None when absent, else MappingError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise MappingError(field, f"{value!r} is not a count")
    try:
        number = float(as_text(value).replace(",", "").replace("_", ""))
    except ValueError:
        raise MappingError(field, f"{as_text(value)[:30]!r} is not a count") from None
    if not number.is_integer() or number < 0:
        raise MappingError(field, f"{as_text(value)} is not a count")
    return int(number)


# ---------------------------------------------------------------- raw records


def dig(raw: Any, path: str) -> Any:
    """The value at a dotted path ("user.email", "comments.0.text"), None when absent."""
    current = raw
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


def obj(raw: Any, key: str) -> dict[str, Any]:
    """The object at `raw[key]`, {} when absent or not an object."""
    value = raw.get(key) if isinstance(raw, Mapping) else None
    return dict(value) if isinstance(value, Mapping) else {}


def compact(values: Mapping[str, Any]) -> dict[str, Any]:
    """The entries that say something (no None, "", [] or {})."""
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}


# ---------------------------------------------------------------- files and bodies

_CHUNK = 1 << 16
MAX_VALUE = 64 << 20  # one record (or API page) larger than this is refused, not buffered on
_WHITESPACE = re.compile(r"[ \t\r\n]*")


def iter_json_values(path: Path) -> Iterator[Any]:
    """Every JSON value in a file, read incrementally: each value of a JSON Lines (or
    concatenated JSON) file in turn, where a top-level array stands for its elements, yielded
    one by one. Memory holds one value at a time (a top-level object, such as one API page, is
    read whole)."""
    decoder = json.JSONDecoder()
    with open(path, encoding="utf-8-sig") as handle:
        buffer = ""
        position = 0
        eof = False

        def more() -> bool:
            nonlocal buffer, position, eof
            if eof:
                return False
            chunk = handle.read(_CHUNK)
            if not chunk:
                eof = True
                return False
            buffer = buffer[position:] + chunk
            position = 0
            return True

        def skip(extra: str = "") -> str:
            """Skips whitespace (and `extra` characters); the next character, "" at the end."""
            nonlocal position
            while True:
                position = _WHITESPACE.match(buffer, position).end()  # type: ignore[union-attr]
                if position < len(buffer) and buffer[position] in extra:
                    position += 1
                    continue
                if position < len(buffer):
                    return buffer[position]
                if not more():
                    return ""

        def value() -> Any:
            nonlocal position
            while True:
                try:
                    decoded, end = decoder.raw_decode(buffer, position)
                except json.JSONDecodeError as error:
                    if len(buffer) - position > MAX_VALUE:
                        raise ValueError(f"{path.name}: a value over {MAX_VALUE} bytes") from None
                    if more():
                        continue
                    raise ValueError(f"{path.name}: not valid JSON ({error.msg})") from None
                # A number or literal cut at the end of the buffer may continue in the next chunk.
                if end == len(buffer) and not isinstance(decoded, dict | list) and more():
                    continue
                position = end
                return decoded

        while first := skip():
            if first != "[":
                yield value()
                continue
            position += 1  # a top-level array: its elements one by one
            if skip() == "]":
                position += 1
                continue
            while True:
                yield value()
                after = skip()
                if after == ",":
                    position += 1
                    skip()
                    continue
                if after == "]":
                    position += 1
                    break
                raise ValueError(f"{path.name}: not valid JSON (expected , or ] in the array)")


def iter_items(path: Path, *list_keys: str) -> Iterator[Any]:
    """The records of an export file: a JSON array or JSON Lines of records, where a value that
    is an API page (an object with one of `list_keys`, e.g. {"reviews": [...]}) stands for its
    records, and a top-level array of pages is flattened the same way."""
    for found in iter_json_values(path):
        yield from unwrap(found, *list_keys)


def unwrap(found: Any, *list_keys: str) -> list[Any]:
    """A page's records ({"reviews": [...]} -> [...]), a list as is, else [found]."""
    if isinstance(found, list):
        return [item for element in found for item in unwrap(element, *list_keys)]
    if isinstance(found, Mapping):
        for key in list_keys:
            inner = found.get(key)
            if isinstance(inner, list):
                return list(inner)
            if isinstance(inner, Mapping):
                return [inner]
    return [found]


def parse_body(body: Any) -> Any:
    """A webhook body as JSON values: bytes and strings are decoded, parsed JSON passes."""
    if isinstance(body, bytes | bytearray | memoryview):
        body = bytes(body).decode("utf-8-sig")
    if isinstance(body, str):
        try:
            return json.loads(body)
        except json.JSONDecodeError as error:
            raise ValueError(f"the body is not JSON ({error.msg})") from None
    return body


def records_only(items: list[Any]) -> list[Mapping[str, Any]]:
    """The objects among `items` (a webhook body's records); anything else is refused."""
    for item in items:
        if not isinstance(item, Mapping):
            raise ValueError(f"expected JSON objects, got {type(item).__name__}")
    return list(items)


def pubsub_data(body: Any) -> Any:
    """The decoded `message.data` of a Google Cloud Pub/Sub push request, else the body."""
    message = body.get("message") if isinstance(body, Mapping) else None
    if isinstance(message, Mapping) and isinstance(message.get("data"), str):
        try:
            return json.loads(base64.b64decode(message["data"]))
        except (ValueError, json.JSONDecodeError):
            raise ValueError("the Pub/Sub message data is not base64 JSON") from None
    return body
