"""A Google Business Profile review -> Record. Pure.

The review object of accounts.locations.reviews (list/get): `name`
("accounts/1/locations/2/reviews/AbC"), `reviewId`, `reviewer {displayName, isAnonymous}`,
`starRating` (ONE .. FIVE), `comment`, `createTime`, `updateTime`,
`reviewReply {comment, updateTime}`. A review whose comment Google translated carries
"(Translated by Google) ... (Original) ..." in `comment`: the original is kept as the text.
A rating-only review (no comment) is rejected ("text: empty").
"""

from __future__ import annotations

import re
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Columns, MappingError, Raw, Record

KIND = "reviews"

STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
_TRANSLATED = re.compile(
    r"^\(Translated by Google\)(?P<translation>.*?)\(Original\)(?P<original>.*)$", re.S
)


def to_record(raw: Raw, columns: Columns) -> Record:
    comment = common.as_text(raw.get("comment"))
    translation = ""
    match = _TRANSLATED.match(comment)
    if match:
        comment, translation = match["original"], common.tidy_text(match["translation"])
    text = common.require_text(comment)
    reviewer = common.obj(raw, "reviewer")
    reply = common.obj(raw, "reviewReply")
    created = raw.get("createTime")
    if created in (None, "") and (columns or {}).get("_default_received_at"):
        created = columns["_default_received_at"]
    name = common.as_text(raw.get("name"))
    return Record(
        external_id=common.external_id(raw.get("reviewId") or name.rsplit("/", 1)[-1]),
        text=text,
        received_at=common.parse_datetime(created),
        rating=_stars(raw.get("starRating")),
        rating_scale=common.STARS,
        author=common.clip(
            "" if reviewer.get("isAnonymous") else reviewer.get("displayName"), common.MAX_AUTHOR
        ),
        metadata=common.compact(
            {
                "name": name,
                "location": name.split("/reviews/")[0] if "/reviews/" in name else "",
                "updated_at": common.as_text(raw.get("updateTime")),
                "translation": translation,
                "reply": common.as_text(reply.get("comment")),
                "replied_at": common.as_text(reply.get("updateTime")),
            }
        ),
    )


def _stars(value: Any) -> int:
    text = common.as_text(value).upper()
    if text in STARS:
        return STARS[text]
    if text.isdigit():
        rating = common.parse_rating(text)
        if rating is not None:
            return rating
    if not text or text == "STAR_RATING_UNSPECIFIED":
        raise MappingError("rating", "missing")
    raise MappingError("rating", f"{text[:30]!r} is not ONE to FIVE")
