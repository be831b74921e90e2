from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.customers.tests.factories import CustomerFactory
from earful.outreach.models import ContactDecision, Invitation, SurveyTrigger
from earful.outreach.services import invite_customers
from earful.outreach.tests.conftest import NOW
from earful.surveys.tests.factories import make_survey


def post(persona, url, body):
    return persona.api.post(url, json.dumps(body), content_type="application/json")


def test_inviting_answers_queued_or_skipped_per_customer(alice, survey, ann):
    CustomerFactory(organization=alice.organization, external_id="ext-2", email="")

    response = post(
        alice, f"/api/v1/surveys/{survey.pk}/invitations", {"customers": ["ext-1", "ext-2", "x"]}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["queued"], body["skipped"]) == (1, 2)
    assert [(r["customer"], r["status"], r["reason"]) for r in body["results"][1:]] == [
        ("ext-2", "skipped", "no email address"),
        ("x", "skipped", "unknown customer"),
    ]
    assert body["results"][0]["status"] == "queued"


def test_inviting_a_segment_picks_customers_by_attribute_and_account(alice, survey):
    CustomerFactory(organization=alice.organization, external_id="pro", attributes={"plan": "Pro"})
    CustomerFactory(
        organization=alice.organization, external_id="free", attributes={"plan": "Free"}
    )

    response = post(
        alice,
        f"/api/v1/surveys/{survey.pk}/invitations",
        {"segment": {"attributes": {"plan": "Pro"}}},
    )

    assert [r["customer"] for r in response.json()["results"]] == ["pro"]


def test_charlie_gets_404_when_inviting_to_alice_s_survey(alice, charlie, survey, ann):
    response = post(charlie, f"/api/v1/surveys/{survey.pk}/invitations", {"customers": ["ext-1"]})

    assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert not ContactDecision.objects.exists()


def test_charlie_cannot_invite_alice_s_customers_to_his_survey(alice, charlie, ann):
    his = make_survey(charlie.organization)

    response = post(charlie, f"/api/v1/surveys/{his.pk}/invitations", {"customers": ["ext-1"]})

    assert response.json()["results"][0]["reason"] == "unknown customer"
    assert not Invitation.objects.exists()


def test_charlie_gets_404_for_alice_s_invitations_settings_and_triggers(alice, charlie, survey):
    for path in ("invitations", "outreach", "triggers"):
        assert charlie.api.get(f"/api/v1/surveys/{survey.pk}/{path}").status_code == 404
    assert post(charlie, f"/api/v1/surveys/{survey.pk}/triggers", {"event": "x"}).status_code == 404
    assert not SurveyTrigger.objects.exists()


def test_a_viewer_may_not_invite(persona_with_role, survey, ann):
    viewer = persona_with_role("viewer")

    response = post(viewer, f"/api/v1/surveys/{survey.pk}/invitations", {"customers": ["ext-1"]})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_a_draft_survey_cannot_be_sent(alice, ann):
    draft = make_survey(alice.organization, published=False)

    response = post(alice, f"/api/v1/surveys/{draft.pk}/invitations", {"customers": ["ext-1"]})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "survey"


def test_the_send_window_is_set_per_survey(alice, survey):
    settings = {"window_start": "10:00:00", "window_end": "12:00:00", "window_weekdays": "67"}

    response = alice.api.put(
        f"/api/v1/surveys/{survey.pk}/outreach",
        json.dumps(settings),
        content_type="application/json",
    )
    bad = alice.api.put(
        f"/api/v1/surveys/{survey.pk}/outreach",
        json.dumps({"window_start": "12:00:00", "window_end": "10:00:00"}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["window_weekdays"] == "67"
    assert bad.status_code == 422


def invitations_queries(persona, url: str, rows: int) -> int:
    persona.api.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = persona.api.get(url)
    assert len(response.json()["items"]) == rows
    return len(captured.captured_queries)


def test_the_invitation_list_does_not_query_per_invitation(alice, survey):
    url = f"/api/v1/surveys/{survey.pk}/invitations"
    CustomerFactory.create_batch(3, organization=alice.organization)
    invite_customers(survey=survey, segment=_everyone(), now=NOW)
    with_3 = invitations_queries(alice, url, 3)

    CustomerFactory.create_batch(30, organization=alice.organization)
    invite_customers(survey=survey, segment=_everyone(), now=NOW)
    with_33 = invitations_queries(alice, url, 33)

    assert with_33 <= with_3


def _everyone():
    from earful.outreach.selectors import Segment

    return Segment()
