"""Outbound webhooks: every event, signed, retried, never lost, walled by organization."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.customers.services import upsert_customer
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey
from earful.webhooks.models import Delivery, Endpoint, Event
from earful.webhooks.services import sweep_webhooks
from earful.webhooks.tests.receiver import running_receiver


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def receiver(alice):
    with running_receiver() as receiver:
        created = post_json(alice.api, "/api/v1/webhooks", {"url": receiver.url}).json()
        receiver.secret = created["secret"]
        receiver.endpoint_id = created["id"]
        yield receiver


def answer(survey, score, *, key, customer_ref="", comment="Slow delivery"):
    answers = {"nps": score, "nps_comment": comment}
    submit_response(survey=survey, answers=answers, key=key, customer_ref=customer_ref)


def test_a_new_response_reaches_the_receiver_signed(alice, receiver):
    upsert_customer(organization=alice.organization, data={"external_id": "cus-1"})
    answer(make_survey(alice.organization), 3, key="a", customer_ref="cus-1")
    sweep_webhooks()
    types = sorted(seen["type"] for seen in receiver.seen)
    assert types == ["response.completed", "response.created"]
    assert all(seen["signed"] for seen in receiver.seen)
    created = next(s for s in receiver.seen if s["type"] == "response.created")
    assert created["data"]["score"] == 3
    assert created["data"]["customer"] == "cus-1"


def test_a_trustee_response_carries_no_identity_no_time_and_no_words(alice, receiver):
    survey = make_survey(alice.organization, trust_mode="trustee")
    answer(survey, 9, key="t", customer_ref="cus-9", comment="I am Zelda from accounting")
    sweep_webhooks()
    data = receiver.seen[0]["data"]
    assert "customer" not in data
    assert "respondent" not in data
    assert "submitted_at" not in data
    assert len(data["submitted_on"]) == 10
    assert "Zelda" not in json.dumps(receiver.seen)


def test_a_failing_receiver_is_retried_with_the_same_id_and_its_body_never_kept(alice, receiver):
    receiver.failing = True
    answer(make_survey(alice.organization), 8, key="f")
    sweep_webhooks()
    delivery = Delivery.objects.get(event__type="response.created")
    assert delivery.status == "pending"
    assert delivery.last_error == "the receiver answered 500"
    assert delivery.next_attempt_at > timezone.now()
    assert (
        "stack trace"
        not in alice.api.get(f"/api/v1/webhooks/{receiver.endpoint_id}/deliveries").content.decode()
    )
    receiver.failing = False
    sweep_webhooks(now=timezone.now() + timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    ids = [s["id"] for s in receiver.seen if s["type"] == "response.created"]
    assert len(ids) == 2
    assert len(set(ids)) == 1  # the same webhook-id: the receiver can drop the duplicate


def test_a_receiver_failing_for_days_is_turned_off_and_the_admins_told(alice, receiver):
    receiver.failing = True
    answer(make_survey(alice.organization), 8, key="d")
    sweep_webhooks()
    Endpoint.objects.update(failing_since=timezone.now() - timedelta(days=6))
    Delivery.objects.update(next_attempt_at=timezone.now())
    sweep_webhooks()
    endpoint = Endpoint.objects.get()
    assert endpoint.enabled is False
    assert "failed for 5 days" in endpoint.disabled_reason
    assert mail.outbox[-1].to == ["alice@a.test"]


def test_a_delivery_can_be_sent_again_by_hand(alice, receiver):
    answer(make_survey(alice.organization), 10, key="r")
    sweep_webhooks()
    delivery = Delivery.objects.filter(event__type="response.created").get()
    assert alice.api.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/redeliver").status_code == 202
    sweep_webhooks()
    assert [s["type"] for s in receiver.seen].count("response.created") == 2


def test_an_endpoint_gets_only_the_types_it_asked_for(alice):
    post_json(
        alice.api,
        "/api/v1/webhooks",
        {"url": "https://hooks.example.test/a", "event_types": ["alert.fired"]},
    )
    answer(make_survey(alice.organization), 3, key="x")
    sweep_webhooks(now=timezone.now() - timedelta(days=1))  # nothing due yet: nothing sent
    assert Event.objects.count() == 0


def test_an_erasure_is_announced(alice, receiver):
    customer = upsert_customer(organization=alice.organization, data={"external_id": "c-1"})[0]
    alice.api.post(f"/api/v1/customers/{customer.pk}/erase")
    sweep_webhooks()
    assert receiver.seen[0]["type"] == "customer.erased"


def test_a_bad_endpoint_is_refused_naming_the_field(alice):
    bad_url = post_json(alice.api, "/api/v1/webhooks", {"url": "ftp://files.example.test"})
    assert bad_url.status_code == 422
    assert bad_url.json()["detail"][0]["field"] == "url"
    bad_type = post_json(
        alice.api, "/api/v1/webhooks", {"url": "https://x.test", "event_types": ["nope"]}
    )
    assert bad_type.json()["detail"][0]["field"] == "event_types"


def test_charlie_gets_404_for_another_organizations_endpoint(alice, charlie, receiver):
    answer(make_survey(alice.organization), 3, key="c")
    sweep_webhooks()
    delivery = Delivery.objects.first()
    assert charlie.api.get(f"/api/v1/webhooks/{receiver.endpoint_id}").status_code == 404
    assert (
        charlie.api.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/redeliver").status_code == 404
    )
    assert charlie.client.get(f"/settings/webhooks/{receiver.endpoint_id}/").status_code == 404
    assert charlie.api.get("/api/v1/webhooks").json() == []


def test_an_analyst_cannot_manage_webhooks(bob):
    assert bob.api.get("/api/v1/webhooks").status_code == 403


def test_the_page_adds_an_endpoint_and_shows_its_log(alice):
    response = alice.client.post("/settings/webhooks/", {"url": "https://hooks.example.test/x"})
    assert response.status_code == 302
    page = alice.client.get(response["Location"])
    assert b"Deliveries" in page.content


def test_the_list_costs_the_same_queries_whatever_the_endpoints(alice):
    post_json(alice.api, "/api/v1/webhooks", {"url": "https://a.example.test/"})
    alice.api.get("/api/v1/webhooks")
    with CaptureQueriesContext(connection) as few:
        alice.api.get("/api/v1/webhooks")
    for n in range(5):
        post_json(alice.api, "/api/v1/webhooks", {"url": f"https://b{n}.example.test/"})
    with CaptureQueriesContext(connection) as many:
        alice.api.get("/api/v1/webhooks")
    assert len(many) == len(few)
