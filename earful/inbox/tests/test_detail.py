"""/inbox/<id>/ and /api/v1/items/<id>: one item with its enrichment and source metadata, and
its customer's timeline across channels (items, answers, events, invitations), newest first,
in a fixed number of queries; never an identity from a trustee or pseudonymous survey."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.customers.models import Customer, CustomerEvent
from earful.feedback.models import FeedbackItem
from earful.inbox.tests.factories import make_item
from earful.inbox.tests.inbox_data import answer, make_inbox
from earful.outreach.models import Invitation
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey


def page(item_id: int) -> str:
    return f"/inbox/{item_id}/"


def api(item_id: int) -> str:
    return f"/api/v1/items/{item_id}"


@pytest.fixture
def inbox(alice):
    return make_inbox(alice.organization)


def test_the_item_shows_its_words_source_enrichment_and_metadata(alice, inbox):
    item = inbox.items["five_stars"]
    html = alice.client.get(page(item.pk)).content.decode()
    for words in (
        "Five stars but the strap snapped on day two", "Public review", "trustpilot", "Jo",
        "5 of 1-5", "positive", "a top score over a complaint", "high_score_negative",
    ):  # fmt: skip
        assert words in html, words
    one_star = alice.client.get(page(inbox.items["one_star"].pk)).content.decode()
    assert 'href="https://reviews.example/r/1"' in one_star
    assert "<dt>verified</dt><dd>True</dd>" in one_star
    assert "Delivery" in one_star


def test_the_timeline_lists_everything_the_customer_did_newest_first(alice, inbox):
    ann, survey, now = inbox.customers["ann"], inbox.survey, inbox.now
    CustomerEvent.objects.create(
        organization=alice.organization, customer=ann, name="first_purchase",
        occurred_at=now - timedelta(days=30),
    )  # fmt: skip
    Invitation.objects.create(
        organization=alice.organization, survey=survey, customer=ann, status="answered",
        sent_at=now - timedelta(days=3), answered_at=now - timedelta(days=2),
    )  # fmt: skip
    item = inbox.items["refund"]
    html = alice.client.get(page(item.pk)).content.decode()
    timeline = html[html.index("The customer's timeline") :]
    order = [
        "Refund",  # this item, 1 hour ago
        "Answered “Relationship NPS”",  # 2 days ago, score 10
        "Invited to “Relationship NPS”",  # 3 days ago
        "Answered “Relationship NPS”",  # 10 days ago
        "first purchase",  # 30 days ago
        "Good value overall",  # her survey comment, 40 days ago
    ]
    position = 0
    for words in order:
        position = timeline.index(words, position) + 1
    assert "(this item)" in timeline
    assert f'href="/inbox/{inbox.items["comment"].pk}/"' in timeline
    assert f'href="/surveys/{survey.pk}/dashboard/"' in timeline
    assert f'href="/surveys/{survey.pk}/invitations/"' in timeline
    assert "score 10, highly satisfied" in timeline
    assert "answered" in timeline  # an identified survey's invitation says so
    assert "Ben Brook" not in timeline  # nobody else's history


def test_the_api_gives_the_item_and_its_timeline(alice, inbox):
    item = inbox.items["refund"]
    body = alice.api.get(api(item.pk)).json()
    assert body["text"] == "Refund still not processed after three weeks"
    assert body["customer"] == {
        "id": inbox.customers["ann"].pk, "external_id": "ann", "name": "Ann Archer"
    }  # fmt: skip
    assert body["account"]["name"] == "Acme"
    assert body["customer_tier"] == "highly_satisfied"
    assert body["theme"] == {"id": inbox.themes["Billing"].pk, "name": "Billing"}
    assert body["status"] == "analyzed"
    kinds = [entry["kind"] for entry in body["timeline"]]
    assert kinds == ["item", "answer", "answer", "item"]
    assert body["timeline"][0]["current"] is True
    review = alice.api.get(api(inbox.items["one_star"].pk)).json()
    assert review["metadata"] == {"language": "en", "verified": True}
    assert review["timeline"] is None  # no customer: a public name only
    assert review["author"] == "Margot L."


def test_a_viewer_gets_403_for_an_item_its_text_and_its_customer(alice, inbox, persona_with_role):
    """The roles table: a viewer does not read customers or what they wrote."""
    viewer = persona_with_role("viewer")
    item = inbox.items["refund"]
    answer = viewer.client.get(page(item.pk))
    assert answer.status_code == 403
    assert "Refund still not processed" not in answer.content.decode()
    assert viewer.api.get(api(item.pk)).status_code == 403


def test_charlie_gets_404_for_org_a_s_item_on_the_page_and_in_the_api(alice, charlie, inbox):
    item = inbox.items["refund"]
    assert charlie.client.get(page(item.pk)).status_code == 404
    response = charlie.api.get(api(item.pk))
    assert response.status_code == 404
    assert response.json() == {"detail": [{"field": "id", "message": "not found"}]}
    assert alice.api.get(api(999_999)).status_code == 404


def test_the_detail_costs_the_same_queries_for_a_long_history(alice, django_assert_max_num_queries):
    customer = Customer.objects.create(organization=alice.organization, external_id="x", name="X")
    survey = make_survey(alice.organization)
    item = make_item(alice.organization, "Where is my order?", customer=customer)

    def history(count: int) -> None:
        now = timezone.now()
        for i in range(count):
            at = now - timedelta(days=i + 1)
            make_item(alice.organization, f"Earlier {i}", customer=customer, at=at)
            answer(survey, customer, 8, "satisfied", at)
            CustomerEvent.objects.create(
                organization=alice.organization, customer=customer, name="purchase", occurred_at=at
            )
            other = make_survey(alice.organization, title=f"Pulse {i}")
            Invitation.objects.create(
                organization=alice.organization, survey=other, customer=customer, sent_at=at
            )

    history(2)
    with CaptureQueriesContext(connection) as few:
        alice.client.get(page(item.pk))
    history(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = alice.client.get(page(item.pk)).content.decode()
    assert html.count("Invited to “Pulse") == 32
    assert len(few.captured_queries) <= 8  # sign-in 3, the item, 4 kinds of history


def test_a_trustee_answer_never_shows_who_gave_it(alice):
    zelda = Customer.objects.create(
        organization=alice.organization, external_id="zelda", name="Zelda Zimmer"
    )
    ticket = make_item(alice.organization, "My ticket about shipping", customer=zelda)
    survey = make_survey(alice.organization, title="Staff pulse", trust_mode="trustee")
    submit_response(
        survey=survey, answers={"nps": 1, "nps_comment": "Secret: my manager is unfair"},
        key="t1", customer_ref="zelda",
    )  # fmt: skip
    Invitation.objects.create(
        organization=alice.organization, survey=survey, customer=zelda, status="answered",
        sent_at=timezone.now() - timedelta(hours=2), opened_at=timezone.now(),
        answered_at=timezone.now(),
    )  # fmt: skip
    timeline = alice.client.get(page(ticket.pk)).content.decode()
    assert "Secret" not in timeline
    assert "Answered “Staff pulse”" not in timeline
    assert "Invited to “Staff pulse”" in timeline
    assert "answered" not in timeline.split("Invited to “Staff pulse”")[1].split("</li>")[0]
    body = alice.api.get(api(ticket.pk)).json()
    assert [e["kind"] for e in body["timeline"]] == ["item", "invitation"]  # nothing else
    assert body["timeline"][1]["detail"] == "sent"  # what the invitee did is not shown
    secret = FeedbackItem.objects.get(organization=alice.organization, text__startswith="Secret")
    assert alice.client.get(page(secret.pk)).status_code == 404  # one respondent: held back
    assert alice.api.get(api(secret.pk)).status_code == 404
    for n in range(4):
        submit_response(survey=survey, answers={"nps": 9}, key=f"other{n}")
    html = alice.client.get(page(secret.pk)).content.decode()
    assert "Zelda" not in html
    assert "confidential (trustee survey)" in html
    assert "nobody in the organization sees who wrote it" in html
    body = alice.api.get(api(secret.pk)).json()
    assert (body["customer"], body["timeline"], body["trust_mode"]) == (None, None, "trustee")
    assert body["received_at"].endswith("T00:00:00Z")  # the day, not the moment


def test_a_pseudonymous_answer_shows_its_code_not_the_customer(alice):
    Customer.objects.create(organization=alice.organization, external_id="yann", name="Yann Y")
    survey = make_survey(alice.organization, trust_mode="pseudonymous")
    submit_response(
        survey=survey,
        answers={"nps": 9, "nps_comment": "Nice people"},
        key="p",
        customer_ref="yann",
    )
    item = FeedbackItem.objects.get(organization=alice.organization, text="Nice people")
    html = alice.client.get(page(item.pk)).content.decode()
    assert "Yann" not in html
    body = alice.api.get(api(item.pk)).json()
    assert body["respondent_code"].startswith("R-")
    assert body["respondent_code"] in html
    assert body["customer"] is None


def test_only_a_number_is_read_as_an_item_id(alice):
    response = alice.api.get("/api/v1/items/trends")  # the trends endpoint, not an item
    assert response.status_code != 422
    assert alice.client.get("/inbox/abc/").status_code == 404
