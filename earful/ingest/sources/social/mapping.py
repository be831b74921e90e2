"""A social post -> Record. Pure.

The generic shape (what a listening tool or a small script can produce for any platform):

    {
      "id": "1765432100123456789",            # the platform's post id (required)
      "platform": "x",                        # x, instagram, tiktok, reddit, linkedin ...
      "author": "@angry_ana",                 # or {"handle", "name", "id", "followers"}
      "followers": 12000,                     # the author's followers (optional)
      "url": "https://x.com/angry_ana/status/1765432100123456789",
      "text": "...",                          # required
      "posted_at": "2024-03-05T09:00:00Z",    # required
      "language": "en",
      "metrics": [                            # counts over time, any order
        {"observed_at": "2024-03-05T10:00:00Z", "reach": 900, "likes": 4, "shares": 1,
         "comments": 2},
        ...
      ]
    }

Instead of `metrics`, a post may carry its current counts flat (`reach`, `likes`, `shares`,
`comments`, `followers`) with `observed_at` (else `columns["_default_received_at"]`, the import
time, else `posted_at`). `Record.metrics` holds them oldest first, one per `observed_at`
(the last one given wins). Counts must be whole and not negative; `reach` and `followers` may be
absent, the engagement counts default to 0. Other keys of the post go to `metadata`.
"""

from __future__ import annotations

from datetime import datetime

from earful.ingest.sources import common
from earful.ingest.sources.base import Columns, MappingError, Metrics, Raw, Record

KIND = "posts"
COUNTS = ("reach", "likes", "shares", "comments")
KNOWN = frozenset(
    {"id", "platform", "author", "followers", "url", "text", "posted_at", "metrics", "observed_at"}
    | set(COUNTS)
)


def to_record(raw: Raw, columns: Columns) -> Record:
    author = raw.get("author")
    if isinstance(author, dict):
        handle = author.get("handle") or author.get("name") or author.get("username")
        followers = author.get("followers", raw.get("followers"))
        author_meta = common.compact(
            {
                "author_id": common.as_text(author.get("id")),
                "author_name": common.as_text(author.get("name")),
            }
        )
    else:
        handle, followers, author_meta = author, raw.get("followers"), {}
    posted_at = raw.get("posted_at")
    if posted_at in (None, "") and (columns or {}).get("_default_received_at"):
        posted_at = columns["_default_received_at"]
    received_at = common.parse_datetime(posted_at)
    return Record(
        external_id=common.external_id(raw.get("id")),
        text=common.require_text(raw.get("text"), html_allowed=True),
        received_at=received_at,
        author=common.clip(handle, common.MAX_AUTHOR),
        url=common.url(raw.get("url")),
        metrics=_metrics(raw, columns, received_at, common.count(followers, "followers")),
        metadata=common.compact(
            {
                "platform": common.as_text(raw.get("platform")).lower(),
                **author_meta,
                **{key: value for key, value in raw.items() if key not in KNOWN},
            }
        ),
    )


def _metrics(
    raw: Raw, columns: Columns, posted_at: datetime, followers: int | None
) -> tuple[Metrics, ...]:
    series = raw.get("metrics")
    if series is None:
        if all(raw.get(name) in (None, "") for name in COUNTS):
            return ()
        observed = (
            raw.get("observed_at") or (columns or {}).get("_default_received_at") or posted_at
        )
        series = [{"observed_at": observed, **{name: raw.get(name) for name in COUNTS}}]
    if not isinstance(series, list):
        raise MappingError("metrics", f"expected a list, got {type(series).__name__}")
    by_time: dict[datetime, Metrics] = {}
    for index, point in enumerate(series):
        field = f"metrics.{index}"
        if not isinstance(point, dict):
            raise MappingError(field, f"expected an object, got {type(point).__name__}")
        observed_at = common.parse_datetime(point.get("observed_at"), f"{field}.observed_at")
        point_followers = common.count(point.get("followers"), f"{field}.followers")
        counts = {name: common.count(point.get(name), f"{field}.{name}") for name in COUNTS}
        by_time[observed_at] = Metrics(
            observed_at=observed_at,
            followers=point_followers if point_followers is not None else followers,
            reach=counts["reach"],
            likes=counts["likes"] or 0,
            shares=counts["shares"] or 0,
            comments=counts["comments"] or 0,
        )
    return tuple(by_time[moment] for moment in sorted(by_time))
