"""Reading Zendesk tickets: from an export file, or from a webhook body.

A file holds ticket objects as a JSON array or JSON Lines, or API pages (one per line, or an
array of pages) as the incremental export returns them: {"tickets": [...], "users": [...],
"after_cursor": ..., "end_of_stream": ...}. The side-loaded users of a page are attached to
its tickets as `requester` (so the mapping sees the requester's email and name).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from earful.ingest.sources import common
from earful.ingest.sources.base import Raw


def read_file(path: Path) -> Iterator[Raw]:
    for found in common.iter_json_values(path):
        yield from _tickets(found)


def webhook_records(body: Any) -> list[Raw]:
    """The tickets of a Zendesk webhook body: a trigger's JSON body ({"ticket": {...}}, the
    shape our setup guide gives, or a bare ticket object), or a ticket event
    ({"type": "zen:event-type:ticket.created", "detail": {...ticket...}, ...})."""
    parsed = common.parse_body(body)
    if isinstance(parsed, Mapping) and isinstance(parsed.get("detail"), Mapping):
        detail = dict(parsed["detail"])
        detail.setdefault("created_at", parsed.get("time"))
        return [detail]
    return common.records_only(_tickets(parsed))


def _tickets(found: Any) -> list[Raw]:
    if isinstance(found, list):
        return [ticket for element in found for ticket in _tickets(element)]
    if not isinstance(found, Mapping):
        return common.records_only([found])
    if isinstance(found.get("ticket"), Mapping):
        return [_with_requester(found["ticket"], found.get("users"))]
    if isinstance(found.get("tickets"), list):
        return [_with_requester(ticket, found.get("users")) for ticket in found["tickets"]]
    return [found]


def _with_requester(ticket: Mapping[str, Any], users: Any) -> Raw:
    if not isinstance(users, list) or isinstance(ticket.get("requester"), Mapping):
        return ticket
    requester_id = ticket.get("requester_id")
    for user in users:
        if isinstance(user, Mapping) and user.get("id") == requester_id:
            return {**ticket, "requester": dict(user)}
    return ticket
