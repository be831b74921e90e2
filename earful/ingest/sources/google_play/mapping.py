"""A Google Play review -> Record. Pure.

The review of GET androidpublisher/v3/applications/{package}/reviews: `reviewId`,
`authorName`, and `comments`, a list holding the user's comment
(`userComment {text, starRating, lastModified {seconds, nanos}, reviewerLanguage, device,
androidOsVersion, appVersionCode, appVersionName, thumbsUpCount, thumbsDownCount}`) and the
developer's reply (`developerComment {text, lastModified}`). The review is dated by its
user comment's `lastModified` (the API gives no creation time). Play reviews have no
public page of their own, so `url` stays empty.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Columns, MappingError, Raw, Record

KIND = "reviews"


def to_record(raw: Raw, columns: Columns) -> Record:
    review_id = common.external_id(raw.get("reviewId"))
    user = _comment(raw, "userComment")
    if not user:
        raise MappingError("comments", "no userComment")
    developer = _comment(raw, "developerComment")
    stars = common.parse_rating(user.get("starRating"))
    if stars is None:
        raise MappingError("rating", "missing")
    if user.get("lastModified") in (None, {}) and (columns or {}).get("_default_received_at"):
        received_at = common.parse_datetime(columns["_default_received_at"], "_default_received_at")
    else:
        received_at = _timestamp(user.get("lastModified"), "received_at")
    return Record(
        external_id=review_id,
        text=common.require_text(user.get("text")),
        received_at=received_at,
        rating=stars,
        rating_scale=common.STARS,
        author=common.clip(raw.get("authorName"), common.MAX_AUTHOR),
        metadata=common.compact(
            {
                "language": common.as_text(user.get("reviewerLanguage")),
                "app_version": common.as_text(user.get("appVersionName")),
                "app_version_code": common.as_text(user.get("appVersionCode")),
                "device": common.as_text(user.get("device")),
                "android_version": common.as_text(user.get("androidOsVersion")),
                "thumbs_up": user.get("thumbsUpCount"),
                "reply": common.tidy_text(common.as_text(developer.get("text"))),
                "replied_at": _reply_time(developer.get("lastModified")),
            }
        ),
    )


def _comment(raw: Raw, kind: str) -> dict[str, Any]:
    comments = raw.get("comments")
    if not isinstance(comments, list):
        return {}
    for comment in comments:
        if isinstance(comment, dict) and isinstance(comment.get(kind), dict):
            return comment[kind]
    return {}


def _timestamp(value: Any, field: str) -> datetime:
    """A protobuf Timestamp ({"seconds": "1709630100", "nanos": 0}) or an RFC 3339 string."""
    if isinstance(value, dict):
        try:
            seconds = int(value.get("seconds") or 0)
            nanos = int(value.get("nanos") or 0)
        except (TypeError, ValueError):
            raise MappingError(field, f"{value!r} is not a timestamp") from None
        if not seconds:
            raise MappingError(field, "missing")
        return datetime.fromtimestamp(seconds, tz=UTC) + timedelta(microseconds=nanos // 1000)
    return common.parse_datetime(value, field)


def _reply_time(value: Any) -> str:
    if not value:
        return ""
    try:
        return _timestamp(value, "replied_at").isoformat()
    except MappingError:
        return ""
