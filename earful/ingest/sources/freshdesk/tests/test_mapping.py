from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.ingest.sources.base import MappingError
from earful.ingest.sources.freshdesk import SOURCE
from earful.ingest.sources.freshdesk.client import read_file, webhook_records
from earful.ingest.sources.freshdesk.mapping import to_record

SAMPLES = Path(__file__).parent / "samples"


def tickets() -> list[dict]:
    return [dict(ticket) for ticket in read_file(SAMPLES / "tickets.json")]


def test_an_api_ticket_maps_every_field():
    record = to_record(tickets()[0], {})

    assert record.external_id == "1042"
    assert record.title == "Refund for duplicate charge"
    assert record.text == "I was charged twice for my March invoice. Please refund one."
    assert record.received_at == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert record.customer_email == "priya.shah@example.com"
    assert record.author == "Priya Shah"
    assert record.rating is None
    assert record.metadata == {
        "status": "open",
        "priority": "high",
        "channel": "email",
        "type": "Refund",
        "tags": ["billing", "refund"],
        "custom_fields": {"cf_plan": "Pro"},
        "updated_at": "2024-03-05T10:20:11Z",
        "requester_id": "2000000457",
        "company_id": "2000000011",
    }


def test_a_ticket_with_only_an_html_description_is_stripped_to_text():
    record = to_record(tickets()[1], {})

    assert record.text == "The export button does nothing.\n\nTried Chrome & Firefox."
    assert record.metadata["status"] == "custom_6"
    assert record.metadata["channel"] == "portal"


def test_a_ticket_without_a_description_is_rejected_naming_the_text():
    with pytest.raises(MappingError) as caught:
        to_record(tickets()[2], {})

    assert (caught.value.field, caught.value.reason) == ("text", "empty")


def test_a_bad_requester_email_is_rejected_naming_the_field():
    ticket = {**tickets()[0], "requester": {"email": "not-an-address"}}

    with pytest.raises(MappingError) as caught:
        to_record(ticket, {})

    assert caught.value.field == "customer_email"


def test_read_file_streams_an_array_page(tmp_path):
    pages = tmp_path / "pages.jsonl"
    pages.write_text(
        json.dumps([{"id": 1, "description_text": "a"}]) + "\n" + json.dumps([{"id": 2}]) + "\n"
    )

    assert [t["id"] for t in read_file(SAMPLES / "tickets.json")] == [1042, 1043, 1044]
    assert [t["id"] for t in read_file(pages)] == [1, 2]


def test_a_placeholder_webhook_becomes_a_ticket():
    (ticket,) = webhook_records(
        json.dumps(json.loads((SAMPLES / "webhook_placeholders.json").read_text()))
    )
    record = to_record(ticket, {})

    assert record.external_id == "1045"
    assert record.text == "Since the last update the app crashes when I log in."
    assert record.url == "https://acme.freshdesk.com/helpdesk/tickets/1045"
    assert record.customer_email == "tom@example.com"
    assert record.author == "Tom Berg"
    assert record.metadata["status"] == "open"
    assert record.metadata["priority"] == "urgent"
    assert record.metadata["tags"] == ["mobile", "crash"]
    assert record.metadata["custom_fields"] == {"cf_plan": "Free"}


def test_a_custom_webhook_body_holding_a_ticket_is_read():
    assert webhook_records({"ticket": {"id": 7}}) == [{"id": 7}]


def test_the_source_brings_tickets():
    assert (SOURCE.name, SOURCE.kind) == ("freshdesk", "tickets")
