"""The outbox: every alert reaches its destination once, through failures, with the same
idempotency key on every attempt. A real HTTP receiver on 127.0.0.1; the clock is moved to
each next attempt instead of sleeping."""

from __future__ import annotations

import json
import socket
from datetime import datetime, timedelta

import pytest
from django.core import mail

from earful.alerts.models import Alert, Delivery, DeliveryKind, DeliveryStatus, RuleKind
from earful.alerts.services import (
    create_destination,
    deliver_due,
    evaluate_items,
    retry_delivery,
)
from earful.alerts.services.sending import GIVE_UP_AFTER, RETRY_MAX, send_delivery
from earful.alerts.services.transport import verify_signature
from earful.alerts.tests.conftest import NOW, email_destination, make_item, make_rule
from earful.alerts.tests.receiver import Receiver, Server


@pytest.fixture(autouse=True)
def _receiver_on_this_machine(settings):
    """The test receiver listens on 127.0.0.1, a private address: allowed here as a
    self-hoster would with EARFUL_ALLOW_PRIVATE_DESTINATIONS."""
    settings.EARFUL_ALLOW_PRIVATE_DESTINATIONS = True


def _reviews(org, count, at=NOW):
    items = [
        make_item(org, f"Terrible service #{i} <b>&", channel="review", score=1, received_at=at)
        for i in range(count)
    ]
    return evaluate_items(item_ids=[i.pk for i in items], now=at)


def _webhook(org, url):
    return create_destination(organization=org, name="Ops webhook", kind="webhook", url=url)


def _pending() -> list[Delivery]:
    return list(Delivery.objects.filter(status=DeliveryStatus.PENDING))


def _run_until(until: datetime, start: datetime) -> tuple[datetime, int]:
    """Delivers at each next attempt time up to `until`; returns the clock and the rounds."""
    clock, rounds = start, 0
    while clock <= until:
        deliver_due(now=clock)
        rounds += 1
        due = [d.next_attempt_at for d in _pending()]
        if not due:
            break
        clock = max(min(due), clock + timedelta(seconds=1))
    return clock, rounds


def test_a_receiver_down_for_an_hour_gets_every_alert_once_it_is_back(org):
    receiver = Receiver()
    with Server(receiver) as url:
        destination = _webhook(org, url)
        receiver.secret = destination.secret
        make_rule(org, RuleKind.NEGATIVE_REVIEW, [destination])
        assert _reviews(org, 3) == 3
        receiver.failing = True
        clock, _rounds = _run_until(NOW + timedelta(hours=1), NOW)
        deliveries = list(Delivery.objects.order_by("pk"))
        assert {d.status for d in deliveries} == {DeliveryStatus.PENDING}
        assert all(d.attempts >= 6 for d in deliveries)
        # the status code and our words; never what the receiver wrote back
        assert {d.last_error for d in deliveries} == {"the receiver answered 500"}
        assert len(receiver.requests) == 3 * deliveries[0].attempts
        receiver.failing = False  # back after an hour
        clock, _ = _run_until(clock + RETRY_MAX, clock)
        assert _run_until(clock + timedelta(days=2), clock + timedelta(days=1))[1] == 1
    deliveries = list(Delivery.objects.order_by("pk"))
    assert {d.status for d in deliveries} == {DeliveryStatus.SENT}
    keys = [d.idempotency_key for d in deliveries]
    assert sorted(receiver.kept) == sorted(keys)  # each alert taken, exactly once
    taken = [r for r in receiver.requests if r.key in keys]
    assert len(taken) == len(receiver.requests)  # every attempt carried its delivery's key
    for key in keys:
        bodies = {r.body for r in receiver.requests if r.key == key}
        assert len(bodies) == 1  # the same body on every attempt
    assert receiver.forged == 0
    alert_ids = {receiver.kept[k].json["alert"]["id"] for k in keys}
    assert alert_ids == set(Alert.objects.values_list("pk", flat=True))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_connection_is_retried_with_backoff_until_the_receiver_listens(org):
    port = _free_port()
    destination = _webhook(org, f"http://127.0.0.1:{port}/hooks/earful")
    make_rule(org, RuleKind.NEGATIVE_REVIEW, [destination])
    _reviews(org, 2)
    clock, rounds = _run_until(NOW + timedelta(minutes=20), NOW)
    delivery = Delivery.objects.first()
    assert delivery.status == DeliveryStatus.PENDING
    assert "no answer" in delivery.last_error
    assert "refused" in delivery.last_error.lower()
    gaps = [1, 2, 4, 8]  # minutes between the first attempts
    assert delivery.attempts == rounds == len(gaps) + 1
    assert delivery.next_attempt_at == NOW + timedelta(minutes=sum(gaps) + 16)
    receiver = Receiver(secret=destination.secret)
    with Server(receiver, port):
        _run_until(clock + timedelta(hours=1), clock)
    assert len(receiver.kept) == 2 == len(receiver.requests)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_retry_after_a_lost_answer_carries_the_same_key_so_the_receiver_drops_it(org):
    receiver = Receiver()
    with Server(receiver) as url:
        destination = _webhook(org, url)
        receiver.secret = destination.secret
        make_rule(org, RuleKind.NEGATIVE_REVIEW, [destination])
        _reviews(org, 1)
        delivery = Delivery.objects.get()
        # The sender dies after the receiver took the request (its lease runs out, no answer
        # recorded): the sweep sends it again.
        assert send_delivery(delivery_id=delivery.pk, now=NOW)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENDING, lease_until=NOW + timedelta(minutes=5)
        )
        assert deliver_due(now=NOW + timedelta(minutes=1)).sent == 0  # still leased
        assert deliver_due(now=NOW + timedelta(minutes=6)).sent == 1
    first, second = receiver.requests
    assert first.key == second.key == delivery.idempotency_key
    assert len(receiver.kept) == 1


def test_the_signature_is_hmac_of_timestamp_and_body_with_the_destinations_secret(org):
    receiver = Receiver()
    with Server(receiver) as url:
        destination = _webhook(org, url)
        make_rule(org, RuleKind.NEGATIVE_REVIEW, [destination])
        _reviews(org, 1)
        receiver.secret = "whsec_not_the_right_one"
        deliver_due(now=NOW)
        assert receiver.forged == 1
        assert Delivery.objects.get().last_error == "the receiver answered 401"
        receiver.secret = destination.secret
        deliver_due(now=NOW + timedelta(minutes=1))
    request = receiver.requests[-1]
    header = request.headers["X-Earful-Signature"]
    assert header.startswith(f"t={int((NOW + timedelta(minutes=1)).timestamp())},v1=")
    now = int((NOW + timedelta(minutes=1)).timestamp())
    assert verify_signature(destination.secret, header, request.body, now=now)
    assert not verify_signature(destination.secret, header, request.body + b" ", now=now)
    assert not verify_signature(destination.secret, header, request.body, now=now + 3600)
    body = request.json
    assert body["type"] == "alert"
    assert body["delivery"] == request.key
    assert body["alert"]["summary"].startswith("1★ review")
    assert body["alert"]["link"].endswith(f"/alerts/{body['alert']['id']}/")


def test_a_receiver_down_for_more_than_a_day_leaves_the_delivery_failed_with_the_reason(org):
    receiver = Receiver(failing=True)
    with Server(receiver) as url:
        make_rule(org, RuleKind.NEGATIVE_REVIEW, [_webhook(org, url)])
        _reviews(org, 1)
        clock, _rounds = _run_until(NOW + timedelta(days=3), NOW)
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.last_error.startswith(f"gave up after {delivery.attempts} attempts")
        assert NOW + GIVE_UP_AFTER - RETRY_MAX <= clock <= NOW + GIVE_UP_AFTER
        assert 40 <= delivery.attempts <= 60
        receiver.failing = False
        assert retry_delivery(delivery=delivery, now=clock + timedelta(hours=1))
        assert deliver_due(now=clock + timedelta(hours=1)).sent == 1
    assert len(receiver.kept) == 1


def test_a_chat_destination_gets_slack_compatible_json(org):
    receiver = Receiver()
    with Server(receiver) as url:
        chat = create_destination(organization=org, name="#cx", kind="chat", url=url)
        make_rule(org, RuleKind.NEGATIVE_REVIEW, [chat])
        _reviews(org, 1)
        assert deliver_due(now=NOW).sent == 1
    body = receiver.requests[0].json
    alert = Alert.objects.get()
    assert body["text"] == alert.summary
    header, section, context = body["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": f"[Earful] {alert.summary}"},
    }
    assert section["type"] == "section"
    assert section["text"]["type"] == "mrkdwn"
    assert "Terrible service #0 &lt;b&gt;&amp;" in section["text"]["text"]  # Slack's escapes
    assert context["type"] == "context"
    assert f"<{alert.link}|Open in Earful>" in context["elements"][0]["text"]
    assert "X-Earful-Signature" not in receiver.requests[0].headers


def test_an_email_destination_sends_through_the_mail_backend(org):
    destination = email_destination(org, "cx@a.test", "lead@a.test")
    make_rule(org, RuleKind.NEGATIVE_REVIEW, [destination])
    _reviews(org, 1)
    assert deliver_due(now=NOW).sent == 1
    assert deliver_due(now=NOW + timedelta(hours=1)).sent == 0
    [email] = mail.outbox
    alert = Alert.objects.get()
    assert email.subject == f"[Earful] {alert.summary}"
    assert email.to == ["cx@a.test", "lead@a.test"]
    assert alert.text in email.body
    assert alert.link in email.body
    assert email.extra_headers["X-Earful-Idempotency-Key"] == Delivery.objects.get().idempotency_key


def test_a_disabled_destination_gets_no_new_alerts(org):
    destination = email_destination(org)
    destination.enabled = False
    destination.save()
    make_rule(org, RuleKind.NEGATIVE_REVIEW, [destination])
    assert _reviews(org, 1) == 1
    assert Delivery.objects.count() == 0


@pytest.fixture
def three_an_hour(settings):
    settings.EARFUL_ALERT_DIGEST_THRESHOLD = 3


def test_past_the_hourly_threshold_alerts_wait_for_one_daily_digest_that_lists_them_all(
    org, three_an_hour
):
    destination = email_destination(org)
    make_rule(org, RuleKind.NEGATIVE_REVIEW, [destination])
    assert _reviews(org, 5) == 5
    assert _reviews(org, 1, at=NOW + timedelta(minutes=30)) == 1
    statuses = list(
        Delivery.objects.filter(kind="alert").order_by("pk").values_list("status", flat=True)
    )
    assert statuses == ["pending"] * 3 + ["held"] * 3
    digest = Delivery.objects.get(kind=DeliveryKind.DIGEST)
    assert digest.next_attempt_at == NOW + timedelta(hours=24)
    assert deliver_due(now=NOW + timedelta(minutes=30)).sent == 3
    assert deliver_due(now=NOW + timedelta(hours=23)).sent == 0
    assert len(mail.outbox) == 3
    assert deliver_due(now=NOW + timedelta(hours=24)).sent == 1
    digest_mail = mail.outbox[-1]
    assert digest_mail.subject == "[Earful] Digest: 3 alerts held back"
    held = Alert.objects.filter(deliveries__status="sent", deliveries__digest=digest)
    assert held.count() == 3
    for alert in held:
        assert alert.summary in digest_mail.body
        assert alert.link in digest_mail.body
    assert set(Delivery.objects.filter(kind="alert").values_list("status", flat=True)) == {"sent"}
    assert deliver_due(now=NOW + timedelta(days=3)).sent == 0  # nothing twice


def test_an_hour_later_alerts_go_out_one_by_one_again(org, three_an_hour):
    make_rule(org, RuleKind.NEGATIVE_REVIEW, [email_destination(org)])
    _reviews(org, 4)
    _reviews(org, 1, at=NOW + timedelta(hours=1, minutes=1))
    statuses = list(
        Delivery.objects.filter(kind="alert").order_by("pk").values_list("status", flat=True)
    )
    assert statuses == ["pending"] * 3 + ["held", "pending"]


def test_a_webhook_digest_carries_every_held_alert_in_one_signed_request(org, three_an_hour):
    receiver = Receiver()
    with Server(receiver) as url:
        destination = _webhook(org, url)
        receiver.secret = destination.secret
        make_rule(org, RuleKind.NEGATIVE_REVIEW, [destination])
        _reviews(org, 7)
        deliver_due(now=NOW)
        deliver_due(now=NOW + timedelta(days=1))
    digest = receiver.requests[-1].json
    assert len(receiver.requests) == 4
    assert receiver.forged == 0
    assert digest["type"] == "digest"
    assert digest["count"] == 4 == len(digest["alerts"])
    assert json.dumps(digest)  # plain JSON


def test_a_chat_digest_lists_every_held_alert_in_whole_lines(org, settings):
    settings.EARFUL_ALERT_DIGEST_THRESHOLD = 1
    receiver = Receiver()
    with Server(receiver) as url:
        chat = create_destination(organization=org, name="#cx", kind="chat", url=url)
        make_rule(org, RuleKind.NEGATIVE_REVIEW, [chat])
        _reviews(org, 60)
        deliver_due(now=NOW)
        deliver_due(now=NOW + timedelta(days=1))
    assert len(receiver.requests) == 2
    digest = receiver.requests[-1].json
    assert digest["text"] == "[Earful] Digest: 59 alerts held back"
    sections = [b["text"]["text"] for b in digest["blocks"] if b["type"] == "section"]
    assert len(sections) >= 2
    assert all(len(text) <= 3000 for text in sections)
    lines = [line for text in sections for line in text.split("\n")]
    assert len(lines) == 59
    assert all(line.startswith("• <http") and line.endswith("”>") for line in lines)


def test_a_viral_post_alert_is_sent_at_once_even_past_the_hourly_threshold(org, three_an_hour):
    from earful.alerts.services.firing import _queue

    destination = email_destination(org)
    make_rule(org, RuleKind.NEGATIVE_REVIEW, [destination])
    _reviews(org, 5)  # the threshold reached: the next reviews wait for the digest
    viral = Alert.objects.create(
        organization=org, rule=make_rule(org, RuleKind.VIRAL_RISK, [destination]),
        kind=RuleKind.VIRAL_RISK, dedupe_key="item:viral", fired_at=NOW,
        summary="A post about you is spreading fast",
    )  # fmt: skip
    assert _queue(viral, destination, NOW).status == "pending"
