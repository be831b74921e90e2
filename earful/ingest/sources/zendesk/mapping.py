"""A Zendesk ticket object -> Record. Pure.

The ticket is the object of the Tickets API and the incremental export
(GET /api/v2/incremental/tickets/cursor.json?include=users): `id`, `subject`, `description`
(the first comment, plain text), `created_at`, `updated_at`, `status`, `priority`, `type`,
`tags`, `via.channel`, `satisfaction_rating {score, comment}`, `url` (the API URL) and
`requester_id`. The requester's email comes from `requester` (a side-loaded user that
`client.py` attaches), else from `via.source.from.address` (tickets that came by email).

A ticket has no star rating: the satisfaction rating (good/bad) goes to `metadata`.
The ticket is dated by `created_at`; without one, by `columns["_default_received_at"]`.
"""

from __future__ import annotations

import re
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Columns, MappingError, Raw, Record

KIND = "tickets"


def to_record(raw: Raw, columns: Columns) -> Record:
    text = common.require_text(raw.get("description"), html_allowed=True)
    requester = common.obj(raw, "requester")
    sender = common.dig(raw, "via.source.from") or {}
    email = requester.get("email") or (sender.get("address") if isinstance(sender, dict) else "")
    satisfaction = raw.get("satisfaction_rating")
    if not isinstance(satisfaction, dict):
        satisfaction = {}
    score = satisfaction.get("score")
    metadata = common.compact(
        {
            "status": common.as_text(raw.get("status")).lower(),
            "priority": common.as_text(raw.get("priority")).lower(),
            "type": common.as_text(raw.get("type")).lower(),
            "tags": _tags(raw.get("tags")),
            "channel": common.as_text(common.dig(raw, "via.channel")),
            "satisfaction": score if score in ("good", "bad") else None,
            "satisfaction_comment": common.as_text(satisfaction.get("comment")),
            "updated_at": common.as_text(raw.get("updated_at")),
            "requester_id": common.as_text(raw.get("requester_id")),
            "organization_id": common.as_text(raw.get("organization_id")),
            "custom_fields": _custom_fields(raw.get("custom_fields")),
        }
    )
    return Record(
        external_id=common.external_id(raw.get("id")),
        text=text,
        received_at=_received_at(raw, columns),
        title=common.clip(raw.get("subject") or raw.get("raw_subject"), common.MAX_TITLE),
        author=common.clip(requester.get("name"), common.MAX_AUTHOR),
        customer_email=common.email_address(email),
        customer_external_id=common.as_text(requester.get("external_id"))[:200],
        url=common.url(_agent_url(raw)),
        metadata=metadata,
    )


def _received_at(raw: Raw, columns: Columns) -> Any:
    if raw.get("created_at") in (None, "") and (columns or {}).get("_default_received_at"):
        return common.parse_datetime(columns["_default_received_at"], "_default_received_at")
    return common.parse_datetime(raw.get("created_at"))


def _agent_url(raw: Raw) -> str:
    """The ticket's page for agents (the object's `url` is its API URL)."""
    api_url = common.as_text(raw.get("url"))
    match = re.match(r"^(https://[^/]+)/api/v2/tickets/(\d+)(\.json)?$", api_url)
    if match:
        return f"{match[1]}/agent/tickets/{match[2]}"
    return api_url


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(tag) for tag in value if tag not in (None, "")]
    if value is None:
        return []
    raise MappingError("tags", f"expected a list, got {type(value).__name__}")


def _custom_fields(value: Any) -> dict[str, Any]:
    """[{"id": 360001, "value": "refund"}] -> {"360001": "refund"} (empty values dropped)."""
    if not isinstance(value, list):
        return {}
    return {
        str(field["id"]): field.get("value")
        for field in value
        if isinstance(field, dict) and "id" in field and field.get("value") not in (None, "")
    }
