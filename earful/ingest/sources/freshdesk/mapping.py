"""A Freshdesk ticket (API v2) -> Record. Pure.

Fields read: `id`, `subject`, `description_text` (else `description`, HTML), `created_at`,
`status` and `priority` (codes, or names from a webhook), `source` (code), `type`, `tags`,
`custom_fields` (cf_*), `requester {name, email}` (with `include=requester`; else `email`),
`requester_id`, `company_id` and `url` (webhooks give the ticket's page). The ticket is dated by
`created_at`; without one, by `columns["_default_received_at"]`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Columns, MappingError, Raw, Record

KIND = "tickets"

STATUSES = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}
PRIORITIES = {1: "low", 2: "medium", 3: "high", 4: "urgent"}
CHANNELS = {
    1: "email",
    2: "portal",
    3: "phone",
    5: "twitter",
    6: "facebook",
    7: "chat",
    8: "mobihelp",
    9: "feedback_widget",
    10: "outbound_email",
}


def to_record(raw: Raw, columns: Columns) -> Record:
    text = raw.get("description_text")
    if common.as_text(text):
        text = common.require_text(text)
    else:
        text = common.require_text(raw.get("description"), html_allowed=True)
    requester = common.obj(raw, "requester")
    metadata = common.compact(
        {
            "status": _named(raw.get("status"), STATUSES),
            "priority": _named(raw.get("priority"), PRIORITIES),
            "channel": _named(raw.get("source"), CHANNELS),
            "type": common.as_text(raw.get("type")),
            "tags": _tags(raw.get("tags")),
            "custom_fields": common.compact(raw.get("custom_fields") or {}),
            "updated_at": common.as_text(raw.get("updated_at")),
            "requester_id": common.as_text(raw.get("requester_id")),
            "company_id": common.as_text(raw.get("company_id")),
        }
    )
    return Record(
        external_id=common.external_id(raw.get("id")),
        text=text,
        received_at=_received_at(raw, columns),
        title=common.clip(raw.get("subject"), common.MAX_TITLE),
        author=common.clip(requester.get("name") or raw.get("name"), common.MAX_AUTHOR),
        customer_email=common.email_address(requester.get("email") or raw.get("email")),
        customer_external_id=common.as_text(
            requester.get("unique_external_id") or raw.get("unique_external_id")
        )[:200],
        url=common.url(raw.get("url")),
        metadata=metadata,
    )


def _received_at(raw: Raw, columns: Columns) -> datetime:
    if raw.get("created_at") in (None, "") and (columns or {}).get("_default_received_at"):
        return common.parse_datetime(columns["_default_received_at"], "_default_received_at")
    return common.parse_datetime(raw.get("created_at"))


def _named(value: Any, names: dict[int, str]) -> str:
    """A code (2, "2") as its name ("open"); a name as is, lower case ("Open" -> "open");
    a custom code without a name as "custom_<code>"."""
    text = common.as_text(value)
    if text.isdigit():
        return names.get(int(text), f"custom_{text}")
    return text.lower()


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):  # webhook placeholders: "billing, refund"
        return [tag.strip() for tag in value.split(",") if tag.strip()]
    if isinstance(value, list):
        return [str(tag) for tag in value if tag not in (None, "")]
    if value is None:
        return []
    raise MappingError("tags", f"expected a list, got {type(value).__name__}")
