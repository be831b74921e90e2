from __future__ import annotations

import pytest
from django.test import Client

from earful.surveys.models import Response, Survey
from earful.surveys.tests.factories import make_survey


def test_the_public_page_is_a_plain_accessible_form(alice):
    survey = make_survey(alice.organization)
    page = Client().get(f"/s/{survey.public_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<meta name="viewport"' in html
    assert "<script" not in html  # works without JavaScript
    assert '<label for="nps-10">10</label>' in html
    assert 'name="idempotency_key"' in html
    assert "<legend>How likely are you to recommend us?" in html


def test_a_customer_answers_on_the_page_and_sees_the_thank_you_page(alice):
    survey = make_survey(alice.organization)
    posted = Client().post(
        f"/s/{survey.public_id}/",
        {"idempotency_key": "page-1", "nps": "10", "nps_comment": "Quick replies", "plan": "Free"},
    )
    assert posted.status_code == 302
    assert posted["Location"] == f"/s/{survey.public_id}/thanks/"
    assert Client().get(posted["Location"]).status_code == 200
    response = Response.objects.get()
    assert (response.score, response.tier) == (10, "highly_satisfied")


def test_a_double_submitted_form_is_stored_once(alice):
    survey = make_survey(alice.organization)
    form = {"idempotency_key": "page-1", "nps": "9"}
    Client().post(f"/s/{survey.public_id}/", form)
    Client().post(f"/s/{survey.public_id}/", form)
    assert Response.objects.count() == 1


def test_a_bad_answer_re_shows_the_form_with_the_reason_and_keeps_what_was_typed(alice):
    survey = make_survey(alice.organization)
    page = Client().post(
        f"/s/{survey.public_id}/",
        {"idempotency_key": "k", "nps": "12", "nps_comment": "kept words"},
    )
    html = page.content.decode()
    assert page.status_code == 422
    assert "Choose a whole number from 0 to 10." in html
    assert "kept words" in html
    assert 'value="k"' in html
    assert not Response.objects.exists()


def test_a_customer_id_in_the_link_links_the_answer(alice):
    from earful.customers.services import upsert_customer

    customer, _ = upsert_customer(organization=alice.organization, data={"external_id": "c-1"})
    survey = make_survey(alice.organization)
    Client().post(f"/s/{survey.public_id}/?c=c-1", {"idempotency_key": "k", "nps": "9"})
    assert Response.objects.get().customer == customer


def test_an_unpublished_survey_link_is_not_found(alice):
    survey = make_survey(alice.organization, published=False)
    assert Client().get(f"/s/{survey.public_id}/").status_code == 404
    assert Client().get("/s/not-a-real-link/").status_code == 404


def test_alice_builds_a_survey_on_the_pages_and_publishes_it(alice):
    created = alice.client.post("/surveys/new/", {"title": "Onboarding"})
    survey = Survey.objects.get(title="Onboarding")
    assert created["Location"] == f"/surveys/{survey.pk}/"
    alice.client.post(
        f"/surveys/{survey.pk}/questions/",
        {"type": "nps", "key": "nps", "text": "Recommend us?", "comment": "on"},
    )
    alice.client.post(f"/surveys/{survey.pk}/publish/")
    survey.refresh_from_db()
    assert survey.status == "published"
    assert survey.questions.get().comment is True
    assert survey.public_id in alice.client.get(f"/surveys/{survey.pk}/").content.decode()


def test_the_builder_refuses_to_publish_six_questions_and_says_why(alice):
    survey = make_survey(alice.organization, questions=(), published=False)
    for i in range(6):
        alice.client.post(
            f"/surveys/{survey.pk}/questions/", {"type": "text", "key": f"q{i}", "text": f"Q{i}"}
        )
    page = alice.client.post(f"/surveys/{survey.pk}/publish/", follow=True)
    assert "Not published" in page.content.decode()
    assert "at most 5" in page.content.decode()
    survey.refresh_from_db()
    assert survey.status == "draft"


def test_a_question_with_a_taken_key_is_refused_on_the_builder(alice):
    survey = make_survey(alice.organization, published=False)
    page = alice.client.post(
        f"/surveys/{survey.pk}/questions/", {"type": "text", "key": "nps", "text": "Again"}
    )
    assert page.status_code == 422
    assert "used twice" in page.content.decode()


def test_the_survey_list_shows_only_the_member_s_organization(alice, charlie):
    make_survey(alice.organization, title="Alice survey")
    make_survey(charlie.organization, title="Charlie survey")
    html = alice.client.get("/surveys/").content.decode()
    assert "Alice survey" in html
    assert "Charlie survey" not in html


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/surveys/{id}/"),
        ("post", "/surveys/{id}/questions/"),
        ("post", "/surveys/{id}/questions/nps/remove/"),
        ("post", "/surveys/{id}/publish/"),
    ],
)
def test_charlie_gets_404_for_alice_s_survey_pages(alice, charlie, method, path):
    survey = make_survey(alice.organization, published=False)
    reply = getattr(charlie.client, method)(path.format(id=survey.pk))
    assert reply.status_code == 404
    assert survey.questions.count() == 3


def test_a_viewer_cannot_add_questions(alice, persona_with_role):
    survey = make_survey(alice.organization, published=False)
    viewer = persona_with_role("viewer")
    reply = viewer.client.post(
        f"/surveys/{survey.pk}/questions/", {"type": "text", "key": "x", "text": "X"}
    )
    assert reply.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(alice):
    reply = Client().get("/surveys/")
    assert reply.status_code == 302
    assert reply["Location"].startswith("/login/")


def test_the_survey_list_page_takes_the_same_queries_for_many_surveys(
    alice, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_survey(alice.organization)
    with CaptureQueriesContext(connection) as few:
        alice.client.get("/surveys/")
    for n in range(8):
        make_survey(alice.organization, title=f"S{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        alice.client.get("/surveys/")
