from __future__ import annotations

import json

import pytest

from earful.feedback.models import FeedbackItem
from earful.surveys.models import Answer, Response, Survey
from earful.surveys.tests.factories import make_survey

THREE_QUESTIONS = {
    "title": "Q3 relationship NPS",
    "questions": [
        {
            "key": "nps",
            "type": "nps",
            "text": "How likely are you to recommend us?",
            "comment": True,
        },
        {"key": "ease", "type": "ces", "text": "How easy was it to get help?"},
        {"key": "plan", "type": "choice", "text": "Your plan", "choices": ["Free", "Pro"]},
    ],
}


def post_json(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def answer(survey, body, key=None):
    from django.test import Client

    headers = {"Idempotency-Key": key} if key else {}
    url = f"/api/v1/public/surveys/{survey.public_id}/responses"
    return post_json(Client(), url, body, **headers)


def test_alice_creates_and_publishes_a_three_question_nps_survey(alice):
    created = post_json(alice.api, "/api/v1/surveys", THREE_QUESTIONS)
    assert created.status_code == 201
    body = created.json()
    assert body["id"]
    assert len(body["public_id"]) >= 20
    assert [q["key"] for q in body["questions"]] == ["nps", "ease", "plan"]

    published = alice.api.post(f"/api/v1/surveys/{body['id']}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["score_kind"] == "nps"


def test_publishing_six_questions_is_refused_with_the_reason(alice):
    questions = [{"key": f"q{i}", "type": "text", "text": f"Question {i}"} for i in range(6)]
    created = post_json(alice.api, "/api/v1/surveys", {"title": "Long", "questions": questions})

    refused = alice.api.post(f"/api/v1/surveys/{created.json()['id']}/publish")

    assert refused.status_code == 422
    detail = refused.json()["detail"][0]
    assert detail["field"] == "questions"
    assert "at most 5" in detail["message"]
    assert Survey.objects.get(pk=created.json()["id"]).status == "draft"


def test_an_empty_survey_cannot_be_published(alice):
    created = post_json(alice.api, "/api/v1/surveys", {"title": "Empty"})
    refused = alice.api.post(f"/api/v1/surveys/{created.json()['id']}/publish")
    assert refused.status_code == 422
    assert "at least one question" in refused.json()["detail"][0]["message"]


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ({"key": "a", "type": "stars", "text": "?"}, "questions.0.type"),
        ({"key": "Bad Key", "type": "nps", "text": "?"}, "questions.0.key"),
        (
            {"key": "a", "type": "choice", "text": "?", "choices": ["only one"]},
            "questions.0.choices",
        ),
        ({"key": "a", "type": "nps", "text": "?", "choices": ["x", "y"]}, "questions.0.choices"),
        ({"key": "a", "type": "nps", "text": " "}, "questions.0.text"),
    ],
)
def test_a_bad_question_is_refused_naming_the_field(alice, question, field):
    refused = post_json(alice.api, "/api/v1/surveys", {"title": "T", "questions": [question]})
    assert refused.status_code == 422
    assert field in [e["field"] for e in refused.json()["detail"]]
    assert not Survey.objects.exists()


def test_question_keys_must_be_unique(alice):
    q = {"key": "a", "type": "text", "text": "?"}
    refused = post_json(alice.api, "/api/v1/surveys", {"title": "T", "questions": [q, q]})
    assert refused.status_code == 422
    assert refused.json()["detail"][0] == {
        "field": "questions.1.key",
        "message": "'a' is used twice",
    }


def test_patch_renames_and_replaces_questions_of_a_draft(alice):
    survey = make_survey(alice.organization, published=False)
    changed = alice.api.patch(
        f"/api/v1/surveys/{survey.pk}",
        json.dumps({"title": "Renamed", "questions": [{"key": "x", "type": "csat", "text": "?"}]}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["title"] == "Renamed"
    assert [q["key"] for q in changed.json()["questions"]] == ["x"]


def test_a_published_survey_keeps_its_questions(alice):
    survey = make_survey(alice.organization)
    refused = alice.api.patch(
        f"/api/v1/surveys/{survey.pk}",
        json.dumps({"questions": [{"key": "x", "type": "csat", "text": "?"}]}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert survey.questions.count() == 3


def test_a_public_answer_is_stored_with_its_score_tier_and_comment(alice):
    survey = make_survey(alice.organization)
    stored = answer(survey, {"answers": {"nps": 9, "nps_comment": "Fast delivery", "plan": "Pro"}})
    assert stored.status_code == 201
    assert stored.json()["tier"] == "highly_satisfied"
    response = Response.objects.get()
    assert (response.score, response.tier) == (9, "highly_satisfied")
    assert Answer.objects.get(question__key="nps").comment == "Fast delivery"
    assert FeedbackItem.objects.get().text == "Fast delivery"


def test_a_retry_with_the_same_key_returns_the_same_response_and_stores_nothing_new(alice):
    survey = make_survey(alice.organization)
    first = answer(survey, {"answers": {"nps": 3}}, key="retry-1")
    second = answer(survey, {"answers": {"nps": 3}}, key="retry-1")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["created"] is False
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 1


def test_the_same_key_on_another_survey_is_a_new_response(alice):
    one, two = make_survey(alice.organization), make_survey(alice.organization, title="Two")
    answer(one, {"answers": {"nps": 3}}, key="k")
    answer(two, {"answers": {"nps": 3}}, key="k")
    assert Response.objects.count() == 2


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"nps": 11}, "answers.nps", "must be a whole number from 0 to 10"),
        ({"nps": "9"}, "answers.nps", "must be a whole number from 0 to 10"),
        ({"nps": 9.5}, "answers.nps", "must be a whole number from 0 to 10"),
        ({"nps": True}, "answers.nps", "must be a whole number from 0 to 10"),
        ({"ease": 0}, "answers.ease", "must be a whole number from 1 to 7"),
        ({"plan": "Gold"}, "answers.plan", "must be one of: Free, Pro"),
        ({"nps": 5, "colour": "red"}, "answers.colour", "unknown question"),
        ({"nps": 5, "ease_comment": "x"}, "answers.ease_comment", "unknown question"),
        (
            {"nps": 5, "nps_comment": 42},
            "answers.nps_comment",
            "must be text of at most 5000 characters",
        ),
        ({}, "answers", "answer at least one question"),
    ],
)
def test_a_bad_answer_gets_422_naming_the_field_and_nothing_is_stored(
    alice, answers, field, message
):
    survey = make_survey(alice.organization)
    refused = answer(survey, {"answers": answers}, key="bad")
    assert refused.status_code == 422
    assert {"field": field, "message": message} in refused.json()["detail"]
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_a_refused_answer_does_not_burn_its_key(alice):
    survey = make_survey(alice.organization)
    answer(survey, {"answers": {"nps": 99}}, key="k")
    fixed = answer(survey, {"answers": {"nps": 9}}, key="k")
    assert fixed.status_code == 201


def test_an_answer_is_linked_to_the_customer_when_known(alice):
    from earful.customers.services import upsert_customer

    customer, _ = upsert_customer(organization=alice.organization, data={"external_id": "cus-7"})
    survey = make_survey(alice.organization)
    answer(survey, {"answers": {"nps": 8}, "customer": "cus-7"})
    answer(survey, {"answers": {"nps": 8}, "customer": "unknown-id"})
    linked, unknown = Response.objects.order_by("id")
    assert linked.customer == customer
    assert unknown.customer is None
    assert unknown.customer_ref == "unknown-id"


def test_a_customer_of_another_organization_is_never_linked(alice, charlie):
    from earful.customers.services import upsert_customer

    upsert_customer(organization=charlie.organization, data={"external_id": "cus-7"})
    survey = make_survey(alice.organization)
    answer(survey, {"answers": {"nps": 8}, "customer": "cus-7"})
    assert Response.objects.get().customer is None


def test_drafts_do_not_take_answers(alice):
    survey = make_survey(alice.organization, published=False)
    assert answer(survey, {"answers": {"nps": 8}}).status_code == 404


def test_the_public_endpoint_needs_no_token_and_the_others_do(alice):
    from django.test import Client

    survey = make_survey(alice.organization)
    assert Client().get("/api/v1/surveys").status_code == 401
    assert answer(survey, {"answers": {"nps": 8}}).status_code == 201


def test_the_summary_gives_nps_and_the_three_tiers(alice):
    survey = make_survey(alice.organization)
    for score in (10, 9, 9, 8, 7, 6, 0):
        answer(survey, {"answers": {"nps": score}})
    answer(survey, {"answers": {"plan": "Free"}})  # no score: counted, not tiered
    summary = alice.api.get(f"/api/v1/surveys/{survey.pk}/summary").json()
    assert summary == {
        "responses": 8,
        "finished": 8,
        "unfinished": 0,
        "score": {"kind": "nps", "value": 14.3},  # (3 - 2) / 7
        "tiers": {"highly_satisfied": 3, "satisfied": 2, "dissatisfied": 2},
        "suppressed": False,
    }


def test_alice_lists_her_surveys_only(alice, charlie):
    make_survey(alice.organization, title="Alice's")
    make_survey(charlie.organization, title="Charlie's")
    listed = alice.api.get("/api/v1/surveys").json()
    assert listed["count"] == 1
    assert [s["title"] for s in listed["items"]] == ["Alice's"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/surveys/{id}"),
        ("patch", "/api/v1/surveys/{id}"),
        ("post", "/api/v1/surveys/{id}/publish"),
        ("get", "/api/v1/surveys/{id}/summary"),
    ],
)
def test_charlie_gets_404_for_alice_s_survey_on_every_endpoint(alice, charlie, method, path):
    survey = make_survey(alice.organization, published=False)
    url = path.format(id=survey.pk)
    send = getattr(charlie.api, method)
    reply = send(url) if method == "get" else send(url, "{}", content_type="application/json")
    assert reply.status_code == 404
    assert "Org A" not in reply.content.decode()
    survey.refresh_from_db()
    assert survey.status == "draft"


def test_a_viewer_reads_the_summary_but_cannot_create_surveys(alice, persona_with_role):
    viewer = persona_with_role("viewer")
    survey = make_survey(alice.organization)
    assert viewer.api.get(f"/api/v1/surveys/{survey.pk}/summary").status_code == 200
    assert post_json(viewer.api, "/api/v1/surveys", THREE_QUESTIONS).status_code == 403


def test_listing_surveys_takes_the_same_queries_for_many_surveys(
    alice, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_survey(alice.organization)
    with CaptureQueriesContext(connection) as few:
        alice.api.get("/api/v1/surveys")
    for n in range(8):
        make_survey(alice.organization, title=f"S{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert alice.api.get("/api/v1/surveys").json()["count"] == 9
