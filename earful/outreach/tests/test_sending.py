from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from earful.core.signing import unsign_respondent_ref
from earful.customers.tests.factories import CustomerFactory
from earful.outreach.models import Invitation, MessageState, OutboundMessage
from earful.outreach.services import (
    MAX_ATTEMPTS,
    invite_customers,
    mark_answered_invitations,
    requeue_stale_messages,
    schedule_reminders,
    send_outbound_message,
    sweep_outreach,
)
from earful.outreach.tests.conftest import NOW
from earful.surveys.services import submit_response


@pytest.fixture
def failing_backend(monkeypatch):
    """The SMTP server refuses the next `n` sends (after the row was claimed)."""
    real = EmailBackend.send_messages
    failures = {"left": 0}

    def send_messages(self, messages):
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionRefusedError("smtp down")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return failures


def test_an_invitation_is_emailed_once_the_transaction_commits(
    survey, ann, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)

    invitation = Invitation.objects.get()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ann@x.test"]
    assert f"/i/{invitation.token}/" in mail.outbox[0].body
    assert invitation.status == "sent"
    assert OutboundMessage.objects.get().state == "sent"


def test_a_send_that_fails_after_the_claim_is_retried_and_delivered_once(
    survey, ann, failing_backend, django_capture_on_commit_callbacks
):
    failing_backend["left"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)
    message = OutboundMessage.objects.get()
    assert (message.state, message.attempts, len(mail.outbox)) == ("queued", 1, 0)
    assert "smtp down" in message.last_error
    assert message.send_after > NOW

    later = message.send_after + timedelta(minutes=1)
    assert send_outbound_message(message_id=message.pk, now=later)
    assert send_outbound_message(message_id=message.pk, now=later) is False  # already sent

    message.refresh_from_db()
    assert (message.state, message.attempts, len(mail.outbox)) == ("sent", 2, 1)
    assert Invitation.objects.get().status == "sent"


def test_a_sender_that_died_mid_send_is_requeued_after_its_lease_and_sent_once(survey, ann):
    invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)
    message = OutboundMessage.objects.get()
    # The worker claimed the row, then the process died before sending.
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING, attempts=1, lease_until=NOW + timedelta(minutes=10)
    )

    assert requeue_stale_messages(now=NOW + timedelta(minutes=5)) == 0  # lease still held
    assert send_outbound_message(message_id=message.pk, now=NOW) is False
    assert requeue_stale_messages(now=NOW + timedelta(minutes=11)) == 1
    assert send_outbound_message(message_id=message.pk, now=NOW + timedelta(minutes=11))
    assert send_outbound_message(message_id=message.pk, now=NOW + timedelta(minutes=12)) is False

    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.get().state == "sent"


def test_a_message_that_keeps_failing_gives_up_and_marks_the_invitation_failed(
    survey, ann, failing_backend
):
    failing_backend["left"] = MAX_ATTEMPTS
    invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)
    message = OutboundMessage.objects.get()
    for _ in range(MAX_ATTEMPTS):
        send_outbound_message(message_id=message.pk, now=NOW + timedelta(days=30))
        OutboundMessage.objects.filter(pk=message.pk).update(send_after=NOW)

    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert Invitation.objects.get().status == "failed"
    assert mail.outbox == []


def test_an_invitation_due_at_night_waits_for_the_customer_s_morning(alice, survey):
    CustomerFactory(organization=alice.organization, external_id="ny", timezone="America/New_York")
    # NOW is 05:00 in New York.
    [outcome] = invite_customers(survey=survey, external_ids=["ny"], now=NOW)
    message = OutboundMessage.objects.get()

    assert message.send_after == NOW + timedelta(hours=4)
    assert outcome.reason == "scheduled for 2025-03-05 09:00 EST (send window)"
    assert send_outbound_message(message_id=message.pk, now=NOW) is False
    assert send_outbound_message(message_id=message.pk, now=NOW + timedelta(hours=4))


def test_the_link_records_opened_and_redirects_to_the_personal_survey_link(client, survey, ann):
    invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)
    send_outbound_message(message_id=OutboundMessage.objects.get().pk, now=NOW)
    invitation = Invitation.objects.get()

    response = client.get(f"/i/{invitation.token}/")

    assert response.status_code == 302
    path, query = response["Location"].split("?")
    assert path == f"/s/{survey.public_id}/"
    ref = unsign_respondent_ref(parse_qs(query)["ref"][0])
    assert (ref.survey_id, ref.customer_id, ref.invitation_id) == (survey.pk, ann.pk, invitation.pk)
    invitation.refresh_from_db()
    assert invitation.status == "opened"
    assert invitation.opened_at is not None


def test_an_unknown_token_is_404(client, db):
    assert client.get("/i/not-a-token/").status_code == 404


def answer(survey, customer_ref: str, key: str = "k1"):
    return submit_response(survey=survey, answers={"nps": 9}, key=key, customer_ref=customer_ref)


def test_the_sweep_marks_an_invitation_answered_by_its_customer_s_answer(survey, ann):
    invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)
    send_outbound_message(message_id=OutboundMessage.objects.get().pk, now=NOW)
    answer(survey, "ext-1")

    assert mark_answered_invitations() == 1
    invitation = Invitation.objects.get()
    assert invitation.status == "answered"
    assert invitation.answered_at is not None


def sent_invitation(survey, external_id: str = "ext-1") -> Invitation:
    invite_customers(survey=survey, external_ids=[external_id], now=NOW)
    send_outbound_message(message_id=OutboundMessage.objects.get(kind="invitation").pk, now=NOW)
    return Invitation.objects.get()


def test_one_reminder_goes_out_after_three_days_if_unanswered(survey, ann):
    sent_invitation(survey)

    assert schedule_reminders(now=NOW + timedelta(days=2)) == 0
    assert schedule_reminders(now=NOW + timedelta(days=3)) == 1
    assert schedule_reminders(now=NOW + timedelta(days=9)) == 0  # at most one
    reminder = OutboundMessage.objects.get(kind="reminder")
    # Three days after Wednesday is a Saturday: the reminder waits for Monday 09:00 in Paris.
    assert reminder.send_after.isoformat() == "2025-03-10T08:00:00+00:00"
    assert send_outbound_message(message_id=reminder.pk, now=NOW + timedelta(days=5))

    assert [m.subject.startswith("Reminder:") for m in mail.outbox] == [False, True]


def test_an_answered_invitation_gets_no_reminder(survey, ann):
    sent_invitation(survey)
    answer(survey, "ext-1")

    sweep_outreach(now=NOW + timedelta(days=4))

    assert not OutboundMessage.objects.filter(kind="reminder").exists()
    assert Invitation.objects.get().status == "answered"
