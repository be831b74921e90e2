from __future__ import annotations

from datetime import timedelta

from earful.customers.tests.factories import CustomerFactory
from earful.outreach.budget import (
    INVITATION,
    REMINDER,
    Budget,
    Contact,
    budget_refusal,
    reachability_refusal,
)
from earful.outreach.models import ContactDecision, OutboundMessage, OutreachPolicy
from earful.outreach.services import (
    invite_customers,
    schedule_reminders,
    send_outbound_message,
)
from earful.outreach.tests.conftest import NOW


def refusal(contacts, **kwargs):
    options = {"survey_id": 1, "recontact_days": 30, "budget": Budget(), "now": NOW} | kwargs
    return budget_refusal(contacts=contacts, **options)


def days_ago(n: int) -> object:
    return NOW - timedelta(days=n)


def test_a_customer_never_contacted_may_be_invited():
    assert refusal([]) is None


def test_another_survey_within_the_cooldown_blocks_with_its_name():
    found = refusal([Contact(days_ago(3), INVITATION, 2, "Checkout CSAT")])
    assert found.code == "cooldown"
    assert found.text == (
        "cooldown: contacted 3 days ago by survey Checkout CSAT (global cooldown 7 days)"
    )


def test_the_same_survey_within_its_recontact_period_blocks():
    found = refusal([Contact(days_ago(12), INVITATION, 1, "NPS")])
    assert found.text == "recontact: invited to this survey 12 days ago (30-day recontact period)"


def test_after_the_recontact_period_the_same_survey_may_ask_again():
    assert refusal([Contact(days_ago(31), INVITATION, 1, "NPS")]) is None


def test_the_cap_counts_every_message_of_every_survey():
    contacts = [Contact(days_ago(d), INVITATION, 10 + d, "") for d in (8, 12, 20, 29)]
    assert refusal(contacts).text == "cap: 4 messages in the last 30 days"
    assert refusal(contacts[:3]) is None


def test_a_reminder_ignores_its_own_survey_s_invitation_but_not_the_cap():
    recent = [Contact(days_ago(3), INVITATION, 1, "NPS")]
    assert refusal(recent, kind=REMINDER) is None
    own = [Contact(days_ago(d), INVITATION, 1, "NPS") for d in (3, 10, 17, 24)]
    assert refusal(own, kind=REMINDER).text == "cap: 4 messages in the last 30 days"


def test_a_reminder_waits_out_the_cooldown_of_another_survey_s_message():
    contacts = [
        Contact(days_ago(10), INVITATION, 1, "NPS"),
        Contact(days_ago(2), INVITATION, 2, "Checkout CSAT"),
    ]
    found = refusal(contacts, kind=REMINDER)
    assert found.text == (
        "cooldown: contacted 2 days ago by survey Checkout CSAT (global cooldown 7 days)"
    )


def test_a_reminder_counts_towards_the_cap_of_the_next_invitation():
    contacts = [
        Contact(days_ago(20), INVITATION, 1, "NPS"),
        Contact(days_ago(17), REMINDER, 1, "NPS"),
        Contact(days_ago(10), INVITATION, 2, "CSAT"),
    ]
    assert refusal(contacts, survey_id=3, budget=Budget(cap_messages=3)).text == (
        "cap: 3 messages in the last 30 days"
    )
    assert refusal(contacts[::2], survey_id=3, budget=Budget(cap_messages=3)) is None


def test_an_unsubscribed_customer_is_refused_before_any_rule():
    assert reachability_refusal(email="a@x.test", unsubscribed=True).text == "unsubscribed"
    assert reachability_refusal(email="", unsubscribed=False).code == "no_email"
    assert reachability_refusal(email="a@x.test", unsubscribed=False) is None


def test_the_budget_is_shared_across_two_surveys(alice, survey, other_survey, ann):
    first = invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)
    second = invite_customers(
        survey=other_survey, external_ids=["ext-1"], now=NOW + timedelta(days=3)
    )
    later = invite_customers(
        survey=other_survey, external_ids=["ext-1"], now=NOW + timedelta(days=8)
    )

    assert first[0].status == "queued"
    assert second[0].status == "skipped"
    assert second[0].reason == (
        "cooldown: contacted 3 days ago by survey Relationship NPS (global cooldown 7 days)"
    )
    assert later[0].status == "queued"
    assert OutboundMessage.objects.filter(customer=ann).count() == 2


def test_every_decision_is_recorded_with_its_reason(alice, survey, ann):
    CustomerFactory(organization=alice.organization, external_id="ext-2", email="")

    invite_customers(survey=survey, external_ids=["ext-1", "ext-2", "ghost"], now=NOW)
    invite_customers(survey=survey, external_ids=["ext-1"], now=NOW + timedelta(days=12))

    rows = ContactDecision.objects.order_by("decided_at", "customer_ref")
    assert [(d.customer_ref, d.decision, d.reason_code) for d in rows] == [
        ("ext-1", "queued", ""),
        ("ext-2", "skipped", "no_email"),
        ("ghost", "skipped", "unknown_customer"),
        ("ext-1", "skipped", "recontact"),
    ]
    assert rows.last().reason == (
        "recontact: invited to this survey 12 days ago (30-day recontact period)"
    )


def test_a_customer_listed_twice_is_invited_once(survey, ann):
    outcomes = invite_customers(survey=survey, external_ids=["ext-1", "ext-1"], now=NOW)

    assert [o.status for o in outcomes] == ["queued"]
    assert OutboundMessage.objects.count() == 1


def test_a_reminder_counts_towards_the_cooldown_and_the_cap_of_later_invitations(
    alice, survey, other_survey, ann
):
    OutreachPolicy.objects.create(organization=alice.organization, cap_messages=2)
    invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)
    send_outbound_message(message_id=OutboundMessage.objects.get().pk, now=NOW)
    schedule_reminders(now=NOW + timedelta(days=3))
    reminder = OutboundMessage.objects.get(kind="reminder")  # Monday 10 March, 09:00 Paris
    assert send_outbound_message(message_id=reminder.pk, now=reminder.send_after)

    soon = invite_customers(survey=other_survey, external_ids=["ext-1"], now=NOW + timedelta(8))
    later = invite_customers(survey=other_survey, external_ids=["ext-1"], now=NOW + timedelta(13))

    assert soon[0].reason == (
        "cooldown: contacted 3 days ago by survey Relationship NPS (global cooldown 7 days)"
    )
    assert later[0].reason == "cap: 2 messages in the last 30 days"
