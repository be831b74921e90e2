from __future__ import annotations

import json
from datetime import timedelta

from django.core import mail

from earful.customers.services import record_event
from earful.outreach.models import ContactDecision, Invitation, OutboundMessage
from earful.outreach.services import add_survey_trigger, run_journey_triggers
from earful.outreach.tests.conftest import NOW


def purchase(organization, at, key=""):
    data = {"customer": "ext-1", "name": "purchase", "occurred_at": at.isoformat(), "key": key}
    return record_event(organization=organization, data=data)[0]


def test_a_purchase_triggers_an_invitation_after_the_delay(alice, survey, ann):
    add_survey_trigger(survey=survey, event_name="purchase", delay_hours=48)
    event = purchase(alice.organization, NOW)

    assert run_journey_triggers(now=NOW + timedelta(hours=47)) == 0
    assert run_journey_triggers(now=NOW + timedelta(hours=48)) == 1

    invitation = Invitation.objects.get()
    assert invitation.trigger_event == event
    assert OutboundMessage.objects.get().send_after == NOW + timedelta(hours=48)


def test_an_event_triggers_one_invitation_at_most(alice, survey, ann):
    add_survey_trigger(survey=survey, event_name="purchase", delay_hours=1)
    purchase(alice.organization, NOW)

    run_journey_triggers(now=NOW + timedelta(hours=1))
    run_journey_triggers(now=NOW + timedelta(hours=2))

    assert Invitation.objects.count() == 1
    assert ContactDecision.objects.count() == 1


def test_a_second_purchase_within_the_budget_is_skipped_with_a_reason(alice, survey, ann):
    add_survey_trigger(survey=survey, event_name="purchase", delay_hours=1)
    purchase(alice.organization, NOW)
    run_journey_triggers(now=NOW + timedelta(hours=1))
    purchase(alice.organization, NOW + timedelta(days=1))

    run_journey_triggers(now=NOW + timedelta(days=1, hours=1))

    skipped = ContactDecision.objects.get(decision="skipped")
    assert skipped.reason == "recontact: invited to this survey 1 day ago (30-day recontact period)"
    assert Invitation.objects.count() == 1


def test_old_events_imported_later_do_not_trigger(alice, survey, ann):
    add_survey_trigger(survey=survey, event_name="purchase", delay_hours=1)
    purchase(alice.organization, NOW - timedelta(days=30))

    assert run_journey_triggers(now=NOW) == 0


def test_an_event_posted_to_the_api_sends_the_invitation_when_there_is_no_delay(
    alice, survey, ann, django_capture_on_commit_callbacks
):
    alice.api.post(
        f"/api/v1/surveys/{survey.pk}/triggers",
        json.dumps({"event": "ticket_closed", "delay_hours": 0}),
        content_type="application/json",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.api.post(
            "/api/v1/events",
            json.dumps({"customer": "ext-1", "name": "ticket_closed", "occurred_at": "2020-01-01"}),
            content_type="application/json",
        )
    assert response.status_code == 201
    # 2020 is long past: history, not a reason to ask.
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_charlie_s_trigger_never_fires_on_alice_s_events(alice, charlie, ann):
    from earful.surveys.tests.factories import make_survey

    his = make_survey(charlie.organization)
    add_survey_trigger(survey=his, event_name="purchase", delay_hours=1)
    purchase(alice.organization, NOW)

    assert run_journey_triggers(now=NOW + timedelta(hours=1)) == 0


def test_a_fresh_event_posted_to_the_api_sends_the_invitation_at_once(
    alice, survey, ann, django_capture_on_commit_callbacks
):
    from datetime import time

    from django.utils import timezone

    from earful.outreach.services import update_outreach_settings

    update_outreach_settings(
        survey=survey, window_start=time(0), window_end=time(23, 59, 59), window_weekdays="1234567"
    )
    add_survey_trigger(survey=survey, event_name="ticket_closed", delay_hours=0)
    with django_capture_on_commit_callbacks(execute=True):
        alice.api.post(
            "/api/v1/events",
            json.dumps(
                {
                    "customer": "ext-1",
                    "name": "ticket_closed",
                    "occurred_at": timezone.now().isoformat(),
                }
            ),
            content_type="application/json",
        )

    assert Invitation.objects.get().status == "sent"
    assert mail.outbox[0].to == ["ann@x.test"]
