from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.ingest.sources.base import MappingError
from earful.ingest.sources.zendesk import SOURCE
from earful.ingest.sources.zendesk.client import read_file, webhook_records
from earful.ingest.sources.zendesk.mapping import to_record

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str):
    return json.loads((SAMPLES / name).read_text())


def exported() -> list[dict]:
    return [dict(ticket) for ticket in read_file(SAMPLES / "incremental_export.json")]


def test_an_exported_ticket_maps_every_field():
    record = to_record(exported()[0], {})

    assert record.external_id == "35436"
    assert record.title == "Card payment declined twice"
    assert record.text == (
        "Hi,\n\nmy card was declined twice at checkout although my balance is fine.\n"
        "Please fix this!"
    )
    assert record.received_at == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert record.customer_email == "ana.lopez@example.com"
    assert record.customer_external_id == "cust-77"
    assert record.author == "Ana Lopez"
    assert record.url == "https://acme.zendesk.com/agent/tickets/35436"
    assert record.rating is None
    assert record.metadata == {
        "status": "open",
        "priority": "high",
        "type": "incident",
        "tags": ["payments", "card_declined"],
        "channel": "email",
        "satisfaction": "bad",
        "satisfaction_comment": "Took too long",
        "updated_at": "2024-03-06T11:02:41Z",
        "requester_id": "20978392",
        "organization_id": "509974",
        "custom_fields": {"27642": "745"},
    }


@pytest.mark.parametrize(
    ("index", "field", "reason"),
    [(1, "text", "empty"), (2, "received_at", "'last tuesday' is not a date")],
)
def test_a_bad_ticket_is_rejected_naming_the_field(index, field, reason):
    with pytest.raises(MappingError) as caught:
        to_record(exported()[index], {})

    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_a_ticket_by_email_without_side_loaded_users_takes_the_sender_address():
    first, second = (to_record(ticket, {}) for ticket in read_file(SAMPLES / "tickets.jsonl"))

    assert first.customer_email == ""
    assert first.metadata["status"] == "solved"
    assert second.customer_email == "finance@example.org"
    assert second.url == "https://acme.zendesk.com/agent/tickets/2"


def test_read_file_attaches_side_loaded_requesters_and_streams_json_lines():
    tickets = exported()

    assert [t["id"] for t in tickets] == [35436, 35437, 35438]
    assert tickets[0]["requester"]["email"] == "Ana.Lopez@example.com"
    assert sum(1 for _ in read_file(SAMPLES / "tickets.jsonl")) == 2


def test_a_trigger_webhook_with_an_html_description_and_placeholder_tags_maps():
    (ticket,) = webhook_records(json.dumps(sample("webhook_trigger.json")).encode())
    record = to_record(ticket, {})

    assert record.external_id == "35436"
    assert record.text == "My card was declined twice at checkout."
    assert record.metadata["tags"] == ["payments", "card_declined"]
    assert record.metadata["status"] == "open"
    assert record.customer_email == "ana.lopez@example.com"


def test_a_ticket_event_webhook_maps_its_detail():
    (ticket,) = webhook_records(sample("webhook_event.json"))
    record = to_record(ticket, {})

    assert record.external_id == "35439"
    assert record.title == "Logged out constantly"
    assert record.received_at == datetime(2024, 4, 17, 17, 18, 10, tzinfo=UTC)
    assert record.metadata["channel"] == "web_service"


def test_a_ticket_without_a_date_takes_the_default():
    ticket = {"id": 9, "description": "hello"}

    record = to_record(ticket, {"_default_received_at": "2024-01-01T00:00:00+00:00"})

    assert record.received_at == datetime(2024, 1, 1, tzinfo=UTC)


def test_the_source_brings_tickets():
    assert (SOURCE.name, SOURCE.kind, SOURCE.needs_columns) == ("zendesk", "tickets", False)
