"""Inbound webhooks: a signed request is stored before it is answered and its items land; a
forged, stale, replayed or misdirected one is refused, logged, and stores nothing."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from earful.accounts.models import Organization
from earful.feedback.models import FeedbackItem
from earful.feedback.signals import feedback_recorded
from earful.ingest.models import SourceConnection, WebhookReceipt
from earful.ingest.services.connections import (
    create_connection,
    rotate_webhook_secret,
    webhook_path,
)
from earful.ingest.services.webhooks import (
    MAX_BODY_BYTES,
    record_receipt,
    sign_webhook,
    sweep_webhooks,
)
from earful.insights.handlers import enqueue_enrichment

ACCEPTED, REFUSED = WebhookReceipt.Status.ACCEPTED, WebhookReceipt.Status.REFUSED


def ticket(number: int = 35436, description: str = "I was charged twice for March") -> dict:
    return {
        "id": number,
        "subject": "Double charge",
        "description": description,
        "created_at": "2025-03-01T09:30:00Z",
        "requester": {"name": "Dana", "email": "dana@example.com"},
    }


def body_of(payload: Any) -> bytes:
    return json.dumps(payload).encode()


@pytest.fixture(autouse=True)
def _no_enrichment() -> Iterator[None]:
    """The items' enrichment is another app's business: not run here (no text model)."""
    feedback_recorded.disconnect(enqueue_enrichment)
    yield
    feedback_recorded.connect(enqueue_enrichment)


def connect(organization: Organization, source: str = "zendesk") -> SourceConnection:
    return create_connection(organization=organization, source_name=source)


@pytest.fixture
def zendesk(org_a) -> SourceConnection:
    return connect(org_a)


def deliver(
    connection: SourceConnection,
    body: bytes,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
    signature: str | None = None,
    path: str | None = None,
) -> Any:
    """POSTs `body` to the connection's webhook as its tool would (signed with its secret)."""
    if signature is None:
        secret = connection.webhook_secret if secret is None else secret
        signature = sign_webhook(secret=secret, body=body, timestamp=timestamp)
    url = path or webhook_path(connection)
    return Client().post(
        url, data=body, content_type="application/json", headers={"X-Earful-Signature": signature}
    )


def test_a_signed_request_is_stored_and_its_items_appear(
    zendesk, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = deliver(zendesk, body_of({"ticket": ticket()}))
    assert answer.status_code == 202
    receipt = WebhookReceipt.objects.get()
    assert answer.json() == {"receipt": receipt.pk, "status": "accepted"}
    assert (receipt.status, receipt.organization, receipt.connection) == (ACCEPTED, org_a, zendesk)
    assert receipt.body == {"ticket": ticket()}
    assert receipt.processed_at is not None
    assert receipt.process_error == ""
    item = FeedbackItem.objects.get()
    assert (item.organization, item.source_key, item.channel) == (org_a, "zendesk:35436", "ticket")
    assert (item.title, item.text) == ("Double charge", "I was charged twice for March")


def test_the_request_is_stored_before_it_is_answered_and_its_items_written_after(zendesk):
    answer = deliver(zendesk, body_of({"ticket": ticket()}))  # the commit never comes here
    assert answer.status_code == 202
    receipt = WebhookReceipt.objects.get()
    assert (receipt.status, receipt.processed_at) == (ACCEPTED, None)
    assert not FeedbackItem.objects.exists()


def test_a_forged_signature_is_refused_logged_and_stores_no_items(zendesk, org_a, caplog):
    forged = "whsec_" + "0" * 64
    with caplog.at_level(logging.WARNING, logger="earful.ingest.services.webhooks"):
        answer = deliver(zendesk, body_of({"ticket": ticket()}), secret=forged)
    assert answer.status_code == 401
    assert answer.json()["detail"][0]["field"] == "signature"
    receipt = WebhookReceipt.objects.get()
    assert (receipt.status, receipt.organization, receipt.body) == (REFUSED, org_a, None)
    assert receipt.reason == "signature: does not match the body and the connection's secret"
    assert "webhook refused (401)" in caplog.text
    assert not FeedbackItem.objects.exists()


def test_a_body_changed_after_signing_is_refused(zendesk):
    signature = sign_webhook(secret=zendesk.webhook_secret, body=body_of({"ticket": ticket()}))
    tampered = body_of({"ticket": ticket(description="Everything is great")})
    answer = deliver(zendesk, tampered, signature=signature)
    assert answer.status_code == 401
    assert not FeedbackItem.objects.exists()


@pytest.mark.parametrize("drift", [-301, 301])
def test_a_timestamp_outside_the_replay_window_is_refused(zendesk, drift):
    # Whole seconds, rounded away from now: int() could leave a +301 s stamp 300.x s ahead.
    stale = (math.ceil if drift > 0 else math.floor)(time.time()) + drift
    answer = deliver(zendesk, body_of({"ticket": ticket()}), timestamp=stale)
    assert answer.status_code == 401
    assert "timestamp more than 300 s from now" in answer.json()["detail"][0]["message"]
    assert WebhookReceipt.objects.get().status == REFUSED
    assert not FeedbackItem.objects.exists()


def test_a_replay_of_an_accepted_request_is_refused_and_adds_nothing(
    zendesk, django_capture_on_commit_callbacks
):
    body = body_of({"ticket": ticket()})
    signature = sign_webhook(secret=zendesk.webhook_secret, body=body)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(zendesk, body, signature=signature).status_code == 202
        replay = deliver(zendesk, body, signature=signature)
    assert replay.status_code == 409
    assert replay.json()["detail"][0]["message"] == "accepted once already: a replay"
    assert WebhookReceipt.objects.filter(status=ACCEPTED).count() == 1
    assert WebhookReceipt.objects.filter(status=REFUSED).count() == 1
    assert FeedbackItem.objects.count() == 1


def test_another_organization_s_connection_refuses_this_organization_s_secret(zendesk, charlie):
    theirs = connect(charlie.organization)
    signed_with_ours = sign_webhook(
        secret=zendesk.webhook_secret, body=body_of({"ticket": ticket()})
    )
    answer = deliver(theirs, body_of({"ticket": ticket()}), signature=signed_with_ours)
    assert answer.status_code == 401
    receipt = WebhookReceipt.objects.get()
    assert (receipt.status, receipt.organization) == (REFUSED, charlie.organization)
    assert not FeedbackItem.objects.exists()


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("", "missing: send the X-Earful-Signature header"),
        ("v1=abcdef", "malformed"),
        ("t=yesterday,v1=abcdef", "malformed"),
        ("t=1700000000", "malformed"),
    ],
)
def test_a_missing_or_malformed_signature_is_refused(zendesk, signature, reason):
    answer = deliver(zendesk, body_of({"ticket": ticket()}), signature=signature)
    assert answer.status_code == 401
    assert reason in answer.json()["detail"][0]["message"]
    assert reason in WebhookReceipt.objects.get(status=REFUSED).reason


@pytest.mark.parametrize("problem", ["unknown", "disabled", "no secret", "other source"])
def test_a_webhook_that_is_not_set_up_answers_404_and_is_logged(zendesk, problem):
    path = f"/hooks/zendesk/{zendesk.pk}/"
    if problem == "unknown":
        path = f"/hooks/zendesk/{zendesk.pk + 1000}/"
    elif problem == "disabled":
        SourceConnection.objects.filter(pk=zendesk.pk).update(enabled=False)
    elif problem == "no secret":
        SourceConnection.objects.filter(pk=zendesk.pk).update(webhook_secret="")
    else:
        path = f"/hooks/freshdesk/{zendesk.pk}/"
    answer = deliver(zendesk, body_of({"ticket": ticket()}), path=path)
    assert answer.status_code == 404
    receipt = WebhookReceipt.objects.get()
    assert (receipt.status, receipt.connection, receipt.body) == (REFUSED, None, None)
    assert receipt.reason.startswith("connection: no such webhook")


def test_a_body_too_large_is_refused_unread(zendesk):
    huge = body_of({"ticket": ticket(description="x" * MAX_BODY_BYTES)})
    answer = deliver(zendesk, huge)
    assert answer.status_code == 413
    assert WebhookReceipt.objects.get().reason == f"body: larger than {MAX_BODY_BYTES} bytes"


def test_a_body_that_is_not_json_is_refused_with_the_reason(zendesk):
    answer = deliver(zendesk, b"ticket=35436")
    assert answer.status_code == 400
    assert answer.json()["detail"][0]["message"].startswith("not JSON: Expecting value")
    assert WebhookReceipt.objects.get().status == REFUSED


@pytest.mark.parametrize("body", [b'{"rating": NaN}', b'{"text": "caf\xe9"}', b"[" * 100_000])
def test_json_the_database_could_not_keep_is_refused_too(zendesk, body):
    assert deliver(zendesk, body).status_code == 400
    assert WebhookReceipt.objects.get().status == REFUSED


def test_a_nul_character_is_refused_naming_the_field_never_a_server_error(zendesk):
    answer = deliver(zendesk, b'{"ticket": {"id": 1, "description": "a\\u0000b"}}')
    assert answer.status_code == 422  # core.text: on both databases alike
    assert answer.json()["detail"][0]["field"] == "body.ticket.description"
    assert WebhookReceipt.objects.get().status == REFUSED


def test_only_post_is_answered(zendesk):
    assert Client().get(f"/hooks/zendesk/{zendesk.pk}/").status_code == 405


def test_a_record_that_cannot_be_mapped_is_noted_and_the_others_land(
    zendesk, django_capture_on_commit_callbacks
):
    body = body_of({"tickets": [ticket(1), ticket(2, description=""), ticket(3)]})
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(zendesk, body).status_code == 202
    receipt = WebhookReceipt.objects.get()
    assert receipt.processed_at is not None
    assert receipt.process_error.startswith("record 2: ")  # the field and reason follow
    assert "empty" in receipt.process_error
    assert sorted(FeedbackItem.objects.values_list("external_id", flat=True)) == ["1", "3"]


def test_a_receipt_whose_task_was_lost_is_recorded_by_the_sweep(zendesk, org_a):
    deliver(zendesk, body_of({"ticket": ticket()}))  # stored; the task never ran
    assert sweep_webhooks() == 0  # a young receipt is left to its task
    call_command("webhooks_sweep", "--settled", "0", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert WebhookReceipt.objects.get().processed_at is not None
    assert FeedbackItem.objects.get().organization == org_a
    assert sweep_webhooks(settled=0) == 0  # nothing left


def test_processing_a_receipt_twice_adds_nothing(zendesk):
    deliver(zendesk, body_of({"ticket": ticket()}))
    receipt = WebhookReceipt.objects.get()
    first = record_receipt(receipt_id=receipt.pk)
    assert first is not None
    assert first.counts.new == 1
    assert record_receipt(receipt_id=receipt.pk) is None  # processed: left alone
    WebhookReceipt.objects.update(processed_at=None)  # even recorded again from scratch
    again = record_receipt(receipt_id=receipt.pk)
    assert again is not None
    assert (again.counts.new, again.counts.unchanged) == (0, 1)
    assert FeedbackItem.objects.count() == 1


def test_refused_receipts_are_forgotten_after_30_days(zendesk):
    deliver(zendesk, body_of({"ticket": ticket()}), secret="whsec_wrong")
    deliver(zendesk, body_of({"ticket": ticket()}))
    WebhookReceipt.objects.update(created_at=timezone.now() - timedelta(days=31))
    sweep_webhooks(settled=0)
    assert list(WebhookReceipt.objects.values_list("status", flat=True)) == [ACCEPTED]


def test_a_new_secret_stops_the_old_one(zendesk):
    old = zendesk.webhook_secret
    assert rotate_webhook_secret(connection=zendesk).webhook_secret != old
    assert deliver(zendesk, body_of({"ticket": ticket()}), secret=old).status_code == 401
    assert deliver(zendesk, body_of({"ticket": ticket()})).status_code == 202
