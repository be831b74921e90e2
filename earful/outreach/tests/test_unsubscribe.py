from __future__ import annotations

import json
from datetime import timedelta

from django.core import mail
from django.test import Client

from earful.customers.models import Customer
from earful.outreach.models import ContactDecision, Invitation, OutboundMessage
from earful.outreach.services import (
    invite_customers,
    schedule_reminders,
    send_outbound_message,
    unsubscribe_by_invitation,
)
from earful.outreach.simulation import simulate_contacts
from earful.outreach.tests.conftest import NOW


def sent_invitation(survey) -> Invitation:
    invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)
    send_outbound_message(message_id=OutboundMessage.objects.get().pk, now=NOW)
    return Invitation.objects.get()


def test_invitations_and_reminders_carry_a_one_click_unsubscribe_link(survey, ann):
    invitation = sent_invitation(survey)
    schedule_reminders(now=NOW + timedelta(days=3))
    reminder = OutboundMessage.objects.get(kind="reminder")
    send_outbound_message(message_id=reminder.pk, now=NOW + timedelta(days=6))

    link = f"http://testserver/i/{invitation.token}/unsubscribe/"
    assert len(mail.outbox) == 2
    for email in mail.outbox:
        assert link.removeprefix("http://testserver") in email.body
        assert email.extra_headers["List-Unsubscribe"].endswith(
            f"/i/{invitation.token}/unsubscribe/>"
        )
        assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_opening_the_link_asks_to_confirm_and_the_button_unsubscribes(survey, ann):
    invitation = sent_invitation(survey)
    url = f"/i/{invitation.token}/unsubscribe/"
    browser = Client(enforce_csrf_checks=True)

    asked = browser.get(url)  # a mail scanner following links must not unsubscribe anyone
    assert asked.status_code == 200
    assert "<button" in asked.content.decode()
    assert Customer.objects.get(pk=ann.pk).unsubscribed_at is None

    done = browser.post(url)
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    assert Customer.objects.get(pk=ann.pk).unsubscribed_at is not None
    assert "You are unsubscribed" in browser.get(url).content.decode()


def test_the_mail_client_s_one_click_post_unsubscribes(survey, ann):
    invitation = sent_invitation(survey)

    reply = Client(enforce_csrf_checks=True).post(
        f"/i/{invitation.token}/unsubscribe/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert reply.status_code == 200
    assert Customer.objects.get(pk=ann.pk).unsubscribed_at is not None


def test_an_unknown_unsubscribe_token_is_404(client, db):
    assert client.get("/i/nope/unsubscribe/").status_code == 404
    assert client.post("/i/nope/unsubscribe/").status_code == 404


def test_an_unsubscribed_customer_is_skipped_with_the_reason_recorded(
    alice, survey, other_survey, ann
):
    unsubscribe_by_invitation(invitation=sent_invitation(survey), now=NOW)

    reply = alice.api.post(
        f"/api/v1/surveys/{other_survey.pk}/invitations",
        json.dumps({"customers": ["ext-1"]}),
        content_type="application/json",
    )

    assert reply.json()["results"] == [
        {"customer": "ext-1", "status": "skipped", "reason": "unsubscribed", "send_after": None}
    ]
    decision = ContactDecision.objects.get(survey=other_survey)
    assert (decision.decision, decision.reason_code, decision.reason) == (
        "skipped",
        "unsubscribed",
        "unsubscribed",
    )


def test_unsubscribing_cancels_the_queued_reminder_and_no_other_goes_out(survey, ann):
    invitation = sent_invitation(survey)
    schedule_reminders(now=NOW + timedelta(days=3))

    assert unsubscribe_by_invitation(invitation=invitation, now=NOW + timedelta(days=4)) == 1

    reminder = OutboundMessage.objects.get(kind="reminder")
    assert reminder.state == "cancelled"
    assert not send_outbound_message(message_id=reminder.pk, now=NOW + timedelta(days=6))
    assert len(mail.outbox) == 1
    skipped = ContactDecision.objects.get(kind="reminder", decision="skipped")
    assert skipped.reason_code == "unsubscribed"


def test_a_reminder_due_after_unsubscribing_is_skipped_as_unsubscribed(survey, ann):
    sent_invitation(survey)
    Customer.objects.filter(pk=ann.pk).update(unsubscribed_at=NOW + timedelta(days=1))

    assert schedule_reminders(now=NOW + timedelta(days=3)) == 0
    decision = ContactDecision.objects.get(kind="reminder")
    assert (decision.decision, decision.reason_code) == ("skipped", "unsubscribed")


def test_a_message_already_queued_is_not_sent_to_someone_who_unsubscribed_since(survey, ann):
    invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)
    Customer.objects.filter(pk=ann.pk).update(unsubscribed_at=NOW)  # e.g. by another survey

    message = OutboundMessage.objects.get()
    assert send_outbound_message(message_id=message.pk, now=NOW) is False

    assert mail.outbox == []
    assert OutboundMessage.objects.get().state == "cancelled"
    assert ContactDecision.objects.filter(reason_code="unsubscribed").count() == 1


def test_the_simulation_skips_unsubscribed_customers(alice, survey, ann):
    Customer.objects.filter(pk=ann.pk).update(unsubscribed_at=NOW)

    report = simulate_contacts(organization=alice.organization, days=5, start=NOW)

    assert report.asked == set()
    assert report.skipped["unsubscribed"] == 5
