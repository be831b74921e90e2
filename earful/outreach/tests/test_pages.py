from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.customers.tests.factories import CustomerFactory
from earful.outreach.models import Invitation, OutboundMessage
from earful.outreach.selectors import Segment
from earful.outreach.services import invite_customers, send_outbound_message
from earful.outreach.tests.conftest import NOW
from earful.surveys.models import Survey
from earful.surveys.tests.factories import make_survey


def test_the_invitations_page_shows_counts_and_invites_a_segment(alice, survey):
    CustomerFactory(organization=alice.organization, external_id="pro", attributes={"plan": "Pro"})
    CustomerFactory(organization=alice.organization, external_id="free", attributes={"plan": "F"})
    url = f"/surveys/{survey.pk}/invitations/"

    response = alice.client.post(url, {"attribute": "plan=Pro"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "pro" in page
    assert "scheduled" in page or "sent" in page
    assert list(Invitation.objects.values_list("customer__external_id", flat=True)) == ["pro"]


def test_the_invitations_page_says_why_a_customer_was_skipped(alice, survey, ann):
    invite_customers(survey=survey, external_ids=["ext-1"])  # now: the page decides now too

    page = alice.client.post(
        f"/surveys/{survey.pk}/invitations/", {"customers": "ext-1 nobody"}
    ).content.decode()

    assert "recontact: invited to this survey" in page
    assert "unknown customer" in page


def test_charlie_gets_404_for_alice_s_invitations_page(alice, charlie, survey, ann):
    url = f"/surveys/{survey.pk}/invitations/"

    assert charlie.client.get(url).status_code == 404
    assert charlie.client.post(url, {"customers": "ext-1"}).status_code == 404
    assert not Invitation.objects.exists()


def test_a_viewer_cannot_open_the_invitations_page(persona_with_role, survey):
    viewer = persona_with_role("viewer")

    assert viewer.client.get(f"/surveys/{survey.pk}/invitations/").status_code == 403


def page_queries(client, url: str, rows: int) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.content.decode().count("@example.test") == rows
    return len(captured.captured_queries)


def test_the_invitations_page_does_not_query_per_invitation(alice, survey):
    url = f"/surveys/{survey.pk}/invitations/"
    CustomerFactory.create_batch(3, organization=alice.organization)
    invite_customers(survey=survey, segment=Segment(), now=NOW)
    with_3 = page_queries(alice.client, url, 3)

    CustomerFactory.create_batch(30, organization=alice.organization)
    invite_customers(survey=survey, segment=Segment(), now=NOW)
    with_33 = page_queries(alice.client, url, 33)

    assert with_33 <= with_3


def test_the_nav_links_to_the_invitations_overview(alice, db):
    page = alice.client.get("/surveys/").content.decode()

    assert 'href="/surveys/invitations/"' in page


def test_the_overview_shows_sent_opened_answered_and_skipped_per_survey(
    alice, survey, other_survey, ann
):
    CustomerFactory(organization=alice.organization, external_id="ext-2", email="")
    invite_customers(survey=survey, external_ids=["ext-1", "ext-2", "ghost"], now=NOW)
    send_outbound_message(message_id=OutboundMessage.objects.get().pk, now=NOW)
    Invitation.objects.update(status="answered", opened_at=NOW, answered_at=NOW)

    page = alice.client.get("/surveys/invitations/").content.decode()

    assert survey.title in page
    assert other_survey.title not in page  # no outreach yet
    assert "no_email 1" in page
    assert "unknown_customer 1" in page
    assert '<dt class="label">Answered</dt><dd class="value">1</dd>' in page
    assert "<svg" in page
    assert "answered: 1 (33%)" in page


def test_charlie_sees_none_of_alice_s_invitations_in_his_overview(alice, charlie, survey, ann):
    invite_customers(survey=survey, external_ids=["ext-1"], now=NOW)

    page = charlie.client.get("/surveys/invitations/")

    assert page.status_code == 200
    assert survey.title not in page.content.decode()


def test_a_viewer_cannot_open_the_overview(persona_with_role):
    assert persona_with_role("viewer").client.get("/surveys/invitations/").status_code == 403


def overview_queries(client) -> int:
    client.get("/surveys/invitations/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/surveys/invitations/")
    return len(captured.captured_queries)


def test_the_overview_does_not_query_per_survey(alice, ann):
    def invite_to_new_surveys(n: int) -> None:
        for i in range(n):
            survey = make_survey(alice.organization, title=f"S{Survey.objects.count()}-{i}")
            invite_customers(survey=survey, external_ids=["ext-1", "nobody"], now=NOW)

    invite_to_new_surveys(2)
    with_2 = overview_queries(alice.client)
    invite_to_new_surveys(8)

    assert overview_queries(alice.client) <= with_2
