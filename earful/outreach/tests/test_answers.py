"""An answer that comes through an invitation's link is linked to it (and to the customer, as
the survey's trust mode allows), marks it answered and cancels its pending reminder."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from earful.core.signing import sign_respondent_ref
from earful.outreach.models import Invitation, OutboundMessage
from earful.outreach.services import (
    invite_customers,
    mark_answered_invitations,
    mark_invitation_answered,
    schedule_reminders,
    send_outbound_message,
)
from earful.outreach.tests.conftest import NOW
from earful.surveys.models import Response, ResponseIdentity
from earful.surveys.tests.factories import make_survey
from earful.surveys.trust import respondent_code

ANSWERS = {"nps": "9", "ease": "6", "plan": "Pro"}


def sent_with_reminder(survey) -> Invitation:
    """Invited and sent on Wednesday; the reminder is queued for the next Monday morning."""
    invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)
    send_outbound_message(message_id=OutboundMessage.objects.get().pk, now=NOW)
    assert schedule_reminders(now=NOW + timedelta(days=3)) == 1
    return Invitation.objects.get()


def answer_through_the_link(invitation: Invitation, on_commit) -> Response:
    """What the customer does: follow the email's link, then send the form it lands on."""
    browser = Client()
    landing = browser.get(f"/i/{invitation.token}/")
    assert landing.status_code == 302
    form = browser.get(landing["Location"])
    assert 'name="ref"' in form.content.decode()
    with on_commit(execute=True):
        sent = browser.post(landing["Location"], {"idempotency_key": "k1", **ANSWERS})
    assert sent.status_code == 302
    return Response.objects.get()


def reminder_state() -> str:
    return OutboundMessage.objects.get(kind="reminder").state


def test_an_answer_through_the_link_is_linked_and_marks_the_invitation_answered(
    survey, ann, django_capture_on_commit_callbacks
):
    invitation = sent_with_reminder(survey)

    response = answer_through_the_link(invitation, django_capture_on_commit_callbacks)

    assert (response.customer, response.customer_ref) == (ann, "ext-1")
    invitation.refresh_from_db()
    assert invitation.status == "answered"
    assert invitation.opened_at is not None
    assert invitation.answered_at == response.submitted_at
    assert reminder_state() == "cancelled"


def test_in_trustee_mode_the_answer_marks_the_invitation_but_exposes_no_identity(
    alice, ann, django_capture_on_commit_callbacks
):
    survey = make_survey(alice.organization, trust_mode="trustee")
    invitation = sent_with_reminder(survey)

    response = answer_through_the_link(invitation, django_capture_on_commit_callbacks)

    assert (response.customer, response.customer_ref, response.respondent_code) == (None, "", "")
    assert ResponseIdentity.objects.get(response=response).customer == ann  # kept apart
    assert Invitation.objects.get().status == "answered"
    assert reminder_state() == "cancelled"
    page = alice.client.get(f"/surveys/{survey.pk}/invitations/").content.decode()
    assert "ext-1" in page
    assert '<span class="tag">Answered</span>' not in page
    assert '<span class="tag">Opened</span>' not in page  # what the invitee did: not shown
    assert '<span class="tag">Sent</span>' in page
    assert "fewer than 5" in page
    listed = alice.api.get(f"/api/v1/surveys/{survey.pk}/invitations").json()
    assert [
        (i["customer"], i["status"], i["opened_at"], i["answered_at"]) for i in listed["items"]
    ] == [("ext-1", "sent", None, None)]
    assert (listed["counts"]["opened"], listed["counts"]["answered"]) == (None, None)


def test_in_pseudonymous_mode_the_answer_carries_the_customer_s_code_only(
    alice, ann, django_capture_on_commit_callbacks
):
    survey = make_survey(alice.organization, trust_mode="pseudonymous")
    invitation = sent_with_reminder(survey)

    response = answer_through_the_link(invitation, django_capture_on_commit_callbacks)

    assert response.customer is None
    assert response.respondent_code == respondent_code(alice.organization.pk, "ext-1")
    assert Invitation.objects.get().status == "answered"


def form_url(survey, ref: str) -> str:
    return f"/s/{survey.public_id}/?ref={ref}"


@pytest.mark.parametrize("forgery", ["tampered", "other_survey"])
def test_a_forged_or_misplaced_ref_links_nothing(
    alice, survey, other_survey, ann, forgery, django_capture_on_commit_callbacks
):
    invitation = sent_with_reminder(survey)
    good = sign_respondent_ref(survey_id=survey.pk, customer_id=ann.pk, invitation_id=invitation.pk)
    refs = {
        "tampered": good[:-2] + ("xx" if not good.endswith("xx") else "yy"),
        "other_survey": sign_respondent_ref(
            survey_id=other_survey.pk, customer_id=ann.pk, invitation_id=invitation.pk
        ),
    }
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(form_url(survey, refs[forgery]), {"idempotency_key": "k", **ANSWERS})

    assert Response.objects.get().customer is None
    assert Invitation.objects.get().status == "sent"
    assert reminder_state() == "queued"


def test_an_invitation_of_another_survey_is_not_marked_by_this_answer(
    alice, survey, other_survey, ann, django_capture_on_commit_callbacks
):
    invitation = sent_with_reminder(survey)
    ref = sign_respondent_ref(
        survey_id=other_survey.pk, customer_id=ann.pk, invitation_id=invitation.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(form_url(other_survey, ref), {"idempotency_key": "k", **ANSWERS})

    assert Response.objects.get().customer == ann  # the ref is good for that survey
    assert Invitation.objects.get().status == "sent"  # but the invitation is not its own


def test_the_api_accepts_the_ref_too(survey, ann, django_capture_on_commit_callbacks):
    invitation = sent_with_reminder(survey)
    ref = sign_respondent_ref(survey_id=survey.pk, customer_id=ann.pk, invitation_id=invitation.pk)

    with django_capture_on_commit_callbacks(execute=True):
        reply = Client().post(
            f"/api/v1/public/surveys/{survey.public_id}/responses",
            json.dumps({"answers": {"nps": 3}, "finished": False, "ref": ref}),
            content_type="application/json",
            headers={"Idempotency-Key": "api-1"},
        )

    assert reply.status_code == 201
    assert Response.objects.get().customer == ann
    assert Invitation.objects.get().status == "answered"
    assert reminder_state() == "cancelled"


def test_a_second_answer_keeps_the_first_answer_time(survey, ann):
    invitation = sent_with_reminder(survey)
    first = Response.objects.create(
        organization=survey.organization, survey=survey, idempotency_key="a"
    )
    second = Response.objects.create(
        organization=survey.organization,
        survey=survey,
        idempotency_key="b",
        submitted_at=first.submitted_at + timedelta(hours=1),
    )

    assert mark_invitation_answered(invitation_id=invitation.pk, response_id=first.pk)
    assert not mark_invitation_answered(invitation_id=invitation.pk, response_id=second.pk)
    assert Invitation.objects.get().answered_at == first.submitted_at


def test_when_the_answer_s_message_is_lost_the_sweep_finds_a_trustee_answer(
    alice, ann, django_capture_on_commit_callbacks
):
    survey = make_survey(alice.organization, trust_mode="trustee")
    invitation = sent_with_reminder(survey)
    ref = sign_respondent_ref(survey_id=survey.pk, customer_id=ann.pk, invitation_id=invitation.pk)
    # No on-commit callbacks run: the signal, and so the task, never happen.
    Client().post(form_url(survey, ref), {"idempotency_key": "k", **ANSWERS})
    assert Invitation.objects.get().status == "sent"

    assert mark_answered_invitations() == 1

    assert Invitation.objects.get().status == "answered"
    assert reminder_state() == "cancelled"
