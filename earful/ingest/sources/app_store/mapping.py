"""An App Store Connect customer review -> Record. Pure.

The resource of GET /v1/apps/{id}/customerReviews: `type` "customerReviews", `id`,
`attributes {rating (1-5), title, body, reviewerNickname, createdDate, territory}`; with
`include=response`, `client.py` attaches the developer's answer as `response` (the
`attributes` of the customerReviewResponses resource: `responseBody`, `lastModifiedDate`).
App Store reviews have no public page of their own, so `url` stays empty.
"""

from __future__ import annotations

from earful.ingest.sources import common
from earful.ingest.sources.base import Columns, MappingError, Raw, Record

KIND = "reviews"


def to_record(raw: Raw, columns: Columns) -> Record:
    if raw.get("type") not in (None, "customerReviews"):
        raise MappingError("type", f"{common.as_text(raw.get('type'))!r} is not customerReviews")
    attributes = raw.get("attributes")
    if not isinstance(attributes, dict):
        raise MappingError("attributes", "missing")
    stars = common.parse_rating(attributes.get("rating"))
    if stars is None:
        raise MappingError("rating", "missing")
    created = attributes.get("createdDate")
    if created in (None, "") and (columns or {}).get("_default_received_at"):
        created = columns["_default_received_at"]
    response = common.obj(raw, "response")
    return Record(
        external_id=common.external_id(raw.get("id")),
        text=common.require_text(attributes.get("body")),
        received_at=common.parse_datetime(created),
        title=common.clip(attributes.get("title"), common.MAX_TITLE),
        rating=stars,
        rating_scale=common.STARS,
        author=common.clip(attributes.get("reviewerNickname"), common.MAX_AUTHOR),
        metadata=common.compact(
            {
                "territory": common.as_text(attributes.get("territory")),
                "reply": common.as_text(response.get("responseBody")),
                "replied_at": common.as_text(response.get("lastModifiedDate")),
            }
        ),
    )
