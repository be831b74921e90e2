"""Alert destinations go through the outbound guard (earful/core/outbound.py): a URL pointing
at a private or reserved address is refused when saved (422 naming `url`, a form error on the
page) and again at send time; a failed delivery shows the status code and our words, never
what the receiver wrote back."""

from __future__ import annotations

import json

import pytest

from earful.alerts.models import Delivery, Destination, RuleKind
from earful.alerts.services import deliver_due, evaluate_items
from earful.alerts.tests.conftest import NOW, make_item, make_rule
from earful.alerts.tests.receiver import Receiver, Server

TARGETS = [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://127.0.0.1:5432/",
    "http://[::1]:6379/",
    "http://10.0.0.1/hook",
    "http://hooks.corp.example/earful",  # resolves to 10.20.30.40 below
]


@pytest.fixture
def private_name(fake_dns):
    fake_dns["hooks.corp.example"] = ["10.20.30.40"]


@pytest.mark.parametrize("url", TARGETS)
def test_the_api_refuses_a_destination_on_a_private_address_naming_the_url(
    alice, private_name, url
):
    answer = alice.api.post(
        "/api/v1/alert-rules/destinations",
        json.dumps({"name": "Ops", "kind": "webhook", "url": url}),
        content_type="application/json",
    )
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert error["field"] == "url"
    assert "private or reserved" in error["message"]
    assert not Destination.objects.exists()


@pytest.mark.parametrize("url", TARGETS)
def test_the_page_refuses_a_destination_on_a_private_address_with_a_form_error(
    alice, private_name, url
):
    answer = alice.client.post("/alerts/destinations/", {"name": "Ops", "kind": "chat", "url": url})
    assert answer.status_code == 422
    assert "private or reserved" in answer.content.decode()
    assert not Destination.objects.exists()


def test_a_destination_whose_name_turned_private_is_refused_at_send_time(alice, fake_dns):
    org = alice.organization
    fake_dns["hooks.flip.example"] = ["93.184.216.34"]
    answer = alice.api.post(
        "/api/v1/alert-rules/destinations",
        json.dumps({"name": "Ops", "kind": "webhook", "url": "https://hooks.flip.example/e"}),
        content_type="application/json",
    )
    assert answer.status_code == 201
    fake_dns["hooks.flip.example"] = ["169.254.169.254"]
    make_rule(org, RuleKind.NEGATIVE_REVIEW, [Destination.objects.get()])
    evaluate_items(item_ids=[make_item(org, "Awful", channel="review", score=1).pk], now=NOW)
    deliver_due(now=NOW)
    delivery = Delivery.objects.get()
    assert delivery.status == "pending"
    assert "private or reserved" in delivery.last_error


def test_a_failed_delivery_shows_the_status_and_a_generic_reason_not_the_body(alice, settings):
    settings.EARFUL_ALLOW_PRIVATE_DESTINATIONS = True
    org = alice.organization
    with Server(Receiver(failing=True)) as url:
        created = alice.api.post(
            "/api/v1/alert-rules/destinations",
            json.dumps({"name": "Ops", "kind": "webhook", "url": url}),
            content_type="application/json",
        )
        assert created.status_code == 201
        rule = make_rule(org, RuleKind.NEGATIVE_REVIEW, [Destination.objects.get()])
        evaluate_items(item_ids=[make_item(org, "Awful", channel="review", score=1).pk], now=NOW)
        deliver_due(now=NOW)
    alert = org.alert_set.get()
    page = alice.client.get(f"/alerts/{alert.pk}/").content.decode()
    api = alice.api.get(f"/api/v1/alert-rules/{rule.pk}/alerts").content.decode()
    for shown in (page, api):
        assert "the receiver answered 500" in shown
        assert "receiver says no" not in shown  # the receiver's body
