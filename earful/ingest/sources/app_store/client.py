"""Reading App Store reviews: from an export file, or from a webhook body.

A file holds the JSON:API documents that GET /v1/apps/{id}/customerReviews returns
({"data": [...], "included": [...], "links": {...}, "meta": {...}}), one per line, or
customerReviews resources as a JSON array or JSON Lines. The developer responses of a page's
`included` are attached to their reviews as `response`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Raw


def read_file(path: Path) -> Iterator[Raw]:
    for found in common.iter_json_values(path):
        yield from _reviews(found)


def webhook_records(body: Any) -> list[Raw]:
    """Reviews pushed to us as a JSON:API document ({"data": [...]} or {"data": {...}}), a
    resource, or a list of them."""
    return _reviews(common.parse_body(body))


def _reviews(found: Any) -> list[Raw]:
    if isinstance(found, list):
        return [review for element in found for review in _reviews(element)]
    if isinstance(found, Mapping) and "data" in found:
        data = found["data"]
        resources = data if isinstance(data, list) else [data]
        responses = {
            item.get("id"): item.get("attributes") or {}
            for item in found.get("included") or []
            if isinstance(item, Mapping) and item.get("type") == "customerReviewResponses"
        }
        return [_with_response(resource, responses) for resource in common.records_only(resources)]
    return common.records_only([found])


def _with_response(review: Mapping[str, Any], responses: dict[Any, Any]) -> Raw:
    response_id = common.dig(review, "relationships.response.data.id")
    if response_id in responses:
        return {**review, "response": responses[response_id]}
    return review
