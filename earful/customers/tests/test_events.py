from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from earful.cli import _command_name
from earful.customers.models import CustomerEvent
from earful.customers.tests.factories import CustomerFactory

URL = "/api/v1/events"


def post(persona, body):
    return persona.api.post(URL, json.dumps(body), content_type="application/json")


@pytest.fixture
def ann(alice):
    return CustomerFactory(organization=alice.organization, external_id="ext-1")


def test_an_event_is_recorded_for_the_customer(alice, ann):
    response = post(
        alice, {"customer": "ext-1", "name": "purchase", "occurred_at": "2025-03-05T10:00:00Z"}
    )

    assert response.status_code == 201
    assert response.json()["customer"] == "ext-1"
    event = CustomerEvent.objects.get()
    assert (event.customer, event.name, event.occurred_at.isoformat()) == (
        ann,
        "purchase",
        "2025-03-05T10:00:00+00:00",
    )


def test_a_retry_with_the_same_key_adds_nothing(alice, ann):
    body = {
        "customer": "ext-1",
        "name": "purchase",
        "occurred_at": "2025-03-05T10:00",
        "key": "o-1",
    }

    first, retry = post(alice, body), post(alice, body)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    assert CustomerEvent.objects.count() == 1


def test_an_event_for_an_unknown_customer_is_refused(alice):
    response = post(alice, {"customer": "nobody", "name": "purchase", "occurred_at": "2025-03-05"})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "customer", "message": "unknown customer 'nobody'"}
    ]


def test_a_bad_time_and_name_are_named_in_the_error(alice, ann):
    response = post(alice, {"customer": "ext-1", "name": "no spaces", "occurred_at": "yesterday"})

    assert [e["field"] for e in response.json()["detail"]] == ["name", "occurred_at"]


def test_charlie_cannot_record_events_for_alice_s_customers(alice, charlie, ann):
    response = post(charlie, {"customer": "ext-1", "name": "purchase", "occurred_at": "2025-03-05"})

    assert response.status_code == 422
    assert not CustomerEvent.objects.exists()


def test_charlie_s_key_does_not_return_alice_s_event(alice, charlie, ann):
    CustomerFactory(organization=charlie.organization, external_id="ext-1")
    body = {"customer": "ext-1", "name": "purchase", "occurred_at": "2025-03-05", "key": "k"}

    alices, charlies = post(alice, body), post(charlie, body)

    assert charlies.status_code == 201
    assert alices.json()["id"] != charlies.json()["id"]


def test_a_viewer_may_not_record_events(persona_with_role, ann):
    viewer = persona_with_role("viewer")

    response = post(viewer, {"customer": "ext-1", "name": "purchase", "occurred_at": "2025-03-05"})

    assert response.status_code == 403


def test_the_cli_imports_events_from_a_csv_and_a_rerun_adds_nothing(alice, ann, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "customer,name,occurred_at,key\n"
        "ext-1,purchase,2025-03-01T12:00:00Z,o-1\n"
        "ext-1,ticket_closed,2025-03-02T08:00:00+01:00,t-9\n"
    )
    slug = alice.organization.slug

    call_command("import_events", str(path), "--org", slug)
    call_command("import_events", str(path), "--org", slug)

    assert sorted(CustomerEvent.objects.values_list("name", flat=True)) == [
        "purchase",
        "ticket_closed",
    ]
    assert _command_name(["import", "events", "f.csv"]) == ["import_events", "f.csv"]


def test_a_csv_with_an_unknown_customer_imports_nothing(alice, ann, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "customer,name,occurred_at\next-1,purchase,2025-03-01\nghost,purchase,2025-03-01\n"
    )

    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_events", str(path), "--org", alice.organization.slug)

    assert not CustomerEvent.objects.exists()
