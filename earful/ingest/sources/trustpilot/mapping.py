"""A Trustpilot service review -> Record. Pure.

The review object of GET /v1/business-units/{id}/reviews (and the private reviews API, and the
`eventData` of a webhook): `id`, `stars` (1-5), `title`, `text`, `language`, `createdAt`,
`updatedAt`, `consumer {displayName}` (webhooks: `consumer.name`), `companyReply {text}`,
`isVerified`, `status`, and, in the private API, `referralEmail` and `referenceId`.
The link is the review's public page, https://www.trustpilot.com/reviews/<id>.
"""

from __future__ import annotations

from earful.ingest.sources import common
from earful.ingest.sources.base import Columns, MappingError, Raw, Record

KIND = "reviews"
PUBLIC_PAGE = "https://www.trustpilot.com/reviews/{id}"


def to_record(raw: Raw, columns: Columns) -> Record:
    review_id = common.external_id(raw.get("id"))
    text = common.require_text(raw.get("text"))
    stars = common.parse_rating(raw.get("stars"))
    if stars is None:
        raise MappingError("rating", "missing")
    consumer = common.obj(raw, "consumer")
    reply = common.obj(raw, "companyReply")
    created = raw.get("createdAt")
    if created in (None, "") and (columns or {}).get("_default_received_at"):
        created = columns["_default_received_at"]
    return Record(
        external_id=review_id,
        text=text,
        received_at=common.parse_datetime(created),
        title=common.clip(raw.get("title"), common.MAX_TITLE),
        rating=stars,
        rating_scale=common.STARS,
        author=common.clip(consumer.get("displayName") or consumer.get("name"), common.MAX_AUTHOR),
        customer_email=common.email_address(raw.get("referralEmail")),
        url=PUBLIC_PAGE.format(id=review_id),
        metadata=common.compact(
            {
                "language": common.as_text(raw.get("language")),
                "location": common.as_text(consumer.get("displayLocation")),
                "verified": raw.get("isVerified"),
                "status": common.as_text(raw.get("status")),
                "updated_at": common.as_text(raw.get("updatedAt")),
                "reference_id": common.as_text(raw.get("referenceId")),
                "reply": common.as_text(reply.get("text")),
                "replied_at": common.as_text(reply.get("createdAt")),
            }
        ),
    )
