"""Reading Freshdesk tickets: from an export file, or from a webhook body.

A file holds ticket objects (as GET /api/v2/tickets returns them, a JSON array per page) as a
JSON array, JSON Lines, or one array per line; {"tickets": [...]} pages are accepted too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Raw

# The placeholders of a classic Freshdesk webhook ({"freshdesk_webhook": {...}}) -> API names.
WEBHOOK_FIELDS = {
    "ticket_id": "id",
    "ticket_subject": "subject",
    "ticket_description": "description",
    "ticket_url": "url",
    "ticket_portal_url": "portal_url",
    "ticket_status": "status",
    "ticket_priority": "priority",
    "ticket_source": "source",
    "ticket_type": "type",
    "ticket_tags": "tags",
    "ticket_created_at": "created_at",
    "ticket_updated_at": "updated_at",
}
WEBHOOK_REQUESTER = {
    "ticket_requester_email": "email",
    "ticket_contact_email": "email",
    "requester_email": "email",
    "ticket_requester_name": "name",
    "ticket_contact_name": "name",
    "requester_name": "name",
    "ticket_contact_unique_external_id": "unique_external_id",
}


def read_file(path: Path) -> Iterator[Raw]:
    for ticket in common.iter_items(path, "tickets"):
        yield from common.records_only([ticket])


def webhook_records(body: Any) -> list[Raw]:
    """The ticket of a Freshdesk automation webhook: the classic placeholder body
    ({"freshdesk_webhook": {"ticket_id": ..., "ticket_subject": ...}}), or a custom body
    holding a ticket object ({"ticket": {...}}, or the bare object)."""
    parsed = common.parse_body(body)
    if isinstance(parsed, Mapping) and isinstance(parsed.get("freshdesk_webhook"), Mapping):
        return [_from_placeholders(parsed["freshdesk_webhook"])]
    return common.records_only(common.unwrap(parsed, "ticket", "tickets"))


def _from_placeholders(values: Mapping[str, Any]) -> Raw:
    ticket: dict[str, Any] = {}
    requester: dict[str, Any] = {}
    for key, value in values.items():
        if key in WEBHOOK_FIELDS:
            ticket[WEBHOOK_FIELDS[key]] = value
        elif key in WEBHOOK_REQUESTER:
            requester.setdefault(WEBHOOK_REQUESTER[key], value)
        elif key.startswith("ticket_cf_"):
            ticket.setdefault("custom_fields", {})[key.removeprefix("ticket_")] = value
    if requester:
        ticket["requester"] = requester
    return ticket
