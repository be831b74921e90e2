"""The column mapping shared by the file sources (csv, json): which of the file's columns holds
each of our fields, guessed from the headers when the user gives no mapping.

A mapping (`columns`) is `{our field: their column}`; the json source also accepts dotted
paths ("user.email"). Keys starting with "_" are options, not fields:

- `_default_received_at`: an ISO 8601 datetime (the import passes its start time) used as
  `received_at` when the file has no date column at all, and as the time the counts of a post
  were observed when the file has no `observed_at` column. A row whose date column is empty
  is rejected ("received_at: missing"); only a file without a date column uses the default.
- `_date_format`: a strptime format for the dates ("%d/%m/%Y"), when they are not ISO 8601
  or one of the formats `common.parse_datetime` knows.
- `_rating_scale`: the scale of the ratings when no column holds it (default "1-5").

When `columns` names no field, every field is guessed from the headers (`GUESSES`); when it
names any, exactly those are used. Columns that are not mapped go to `metadata` (non-empty
values only). Without an `external_id` column, the id is a hash of the whole row, so a rerun of
the same file matches the same items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Columns, MappingError, Metrics, Raw, Record

FIELDS = (
    "external_id",
    "text",
    "title",
    "received_at",
    "rating",
    "rating_scale",
    "author",
    "customer_email",
    "customer_external_id",
    "url",
    # a post's counts, observed at `observed_at`
    "observed_at",
    "followers",
    "reach",
    "likes",
    "shares",
    "comments",
)
METRIC_FIELDS = ("followers", "reach", "likes", "shares", "comments")
OPTIONS = ("_default_received_at", "_date_format", "_rating_scale")

# Header names (lower case, spaces and dashes as "_") each field is guessed from, best first.
GUESSES: dict[str, tuple[str, ...]] = {
    "external_id": ("external_id", "id", "ticket_id", "review_id", "post_id", "uuid"),
    "text": (
        "text",
        "body",
        "comment",
        "message",
        "content",
        "description",
        "feedback",
        "review",
        "review_text",
    ),
    "title": ("title", "subject", "headline"),
    "received_at": (
        "received_at",
        "created_at",
        "date",
        "created",
        "createdat",
        "created_date",
        "submitted_at",
        "posted_at",
        "timestamp",
        "time",
    ),
    "rating": ("rating", "stars", "star_rating", "score"),
    "rating_scale": ("rating_scale", "scale"),
    "author": ("author", "author_name", "reviewer", "name", "username", "user"),
    "customer_email": ("customer_email", "email", "requester_email", "user_email"),
    "customer_external_id": ("customer_external_id", "customer_id", "user_id"),
    "url": ("url", "link", "permalink"),
    "observed_at": ("observed_at",),
    "followers": ("followers", "follower_count", "followers_count"),
    "reach": ("reach", "impressions", "views"),
    "likes": ("likes", "like_count", "likes_count", "reactions"),
    "shares": ("shares", "share_count", "shares_count", "retweets", "reposts"),
    "comments": ("comments_count", "comment_count", "num_comments", "replies"),
}


def normalize_header(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def guess_columns(headers: Iterable[str]) -> dict[str, str]:
    """Our fields -> the headers they are guessed from (each header used once)."""
    by_name: dict[str, str] = {}
    for header in headers:
        by_name.setdefault(normalize_header(header), header)
    guessed: dict[str, str] = {}
    taken: set[str] = set()
    for field, names in GUESSES.items():
        for name in names:
            found = by_name.get(name)
            if found is not None and found not in taken:
                guessed[field] = found
                taken.add(found)
                break
    return guessed


def field_columns(columns: Columns | None, headers: Iterable[str]) -> dict[str, str]:
    """The mapping in use: the fields `columns` names, or guessed ones when it names none."""
    given = {
        key: value
        for key, value in (columns or {}).items()
        if not key.startswith("_") and value not in (None, "")
    }
    unknown = sorted(set(given) - set(FIELDS))
    if unknown:
        raise MappingError(unknown[0], f"is not a field (use one of {', '.join(FIELDS)})")
    return dict(given) if given else guess_columns(headers)


@lru_cache(maxsize=64)
def _cached_field_columns(
    columns: tuple[tuple[str, str], ...], headers: tuple[str, ...]
) -> dict[str, str]:
    return field_columns(dict(columns), headers)


def to_record(
    raw: Raw,
    columns: Columns | None,
    *,
    get: Callable[[Raw, str], Any],
    top_level: Callable[[str], str],
) -> Record:
    """One row of a file as a Record, by the mapping (see the module docstring).

    `get(raw, column)` reads a column (dotted paths for JSON); `top_level(column)` names the
    row key a column comes from, so that mapped columns stay out of `metadata`.
    """
    options = {key: str(value) for key, value in (columns or {}).items() if key.startswith("_")}
    headers = tuple(str(key) for key in raw if key is not None)
    mapped = _cached_field_columns(
        tuple(sorted((str(k), str(v)) for k, v in (columns or {}).items() if v is not None)),
        headers,
    )

    def value(field: str) -> Any:
        column = mapped.get(field)
        if column is None:
            return None
        if top_level(column) not in raw:
            raise MappingError(field, f"no column {column!r} in the file")
        return get(raw, column)

    date_format = options.get("_date_format", "")
    text = common.require_text(value("text"))
    if "received_at" in mapped:
        received_at = common.parse_datetime(value("received_at"), date_format=date_format)
    elif options.get("_default_received_at"):
        received_at = common.parse_datetime(options["_default_received_at"], "_default_received_at")
    else:
        raise MappingError("received_at", "missing: no date column and no _default_received_at")

    scale = common.as_text(value("rating_scale")) or options.get("_rating_scale") or common.STARS
    rating = common.parse_rating(value("rating"), scale)

    identifier = value("external_id")
    external_id = (
        common.external_id(identifier)
        if "external_id" in mapped
        else common.content_hash({str(k): v for k, v in raw.items()})
    )

    counts = {field: common.count(value(field), field) for field in METRIC_FIELDS}
    metrics: tuple[Metrics, ...] = ()
    if any(number is not None for number in counts.values()):
        if "observed_at" in mapped:
            observed_at = common.parse_datetime(
                value("observed_at"), "observed_at", date_format=date_format
            )
        elif options.get("_default_received_at"):
            observed_at = common.parse_datetime(
                options["_default_received_at"], "_default_received_at"
            )
        else:
            observed_at = received_at
        metrics = (
            Metrics(
                observed_at=observed_at,
                followers=counts["followers"],
                reach=counts["reach"],
                likes=counts["likes"] or 0,
                shares=counts["shares"] or 0,
                comments=counts["comments"] or 0,
            ),
        )

    used = {top_level(column) for column in mapped.values()}
    metadata = common.compact(
        {str(key): item for key, item in raw.items() if key is not None and key not in used}
    )
    extra = raw.get(None)  # type: ignore[call-overload]  # csv: values past the header
    if extra:
        metadata["_extra"] = extra

    return Record(
        external_id=external_id,
        text=text,
        received_at=received_at,
        title=common.clip(value("title"), common.MAX_TITLE),
        rating=rating,
        rating_scale=scale if rating is not None else "",
        author=common.clip(value("author"), common.MAX_AUTHOR),
        customer_email=common.email_address(value("customer_email")),
        customer_external_id=common.as_text(value("customer_external_id"))[:200],
        url=common.url(value("url")),
        metrics=metrics,
        metadata=metadata,
    )


def flat_get(raw: Raw, column: str) -> Any:
    return raw.get(column)


def same_column(column: str) -> str:
    return column
