"""Partial responses: created at the first answer, updated per question, told apart from
finished ones; every update idempotent on its own key."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from earful.feedback.models import FeedbackItem
from earful.surveys.models import Answer, Response
from earful.surveys.services import close_survey
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import QuestionSpec


def start(survey, answers, *, key="r-1", **extra):
    body = {"answers": answers, "finished": False, **extra}
    return Client().post(
        f"/api/v1/public/surveys/{survey.public_id}/responses",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def patch(survey, response_id, body, *, key):
    return Client().patch(
        f"/api/v1/public/surveys/{survey.public_id}/responses/{response_id}",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


@pytest.fixture
def survey(alice):
    return make_survey(alice.organization)


def test_a_response_is_stored_unfinished_at_its_first_answer(survey):
    started = start(survey, {"nps": 6}, timings={"nps": 4200})
    assert started.status_code == 201
    assert started.json()["finished"] is False
    response = Response.objects.get()
    assert (response.finished_at, response.score, response.timings) == (None, 6, {"nps": 4200})


def test_answers_arrive_question_by_question_and_the_last_update_finishes_it(survey):
    rid = start(survey, {"nps": 9}).json()["id"]
    patch(survey, rid, {"answers": {"ease": 6}, "timings": {"ease": 1500}}, key="u-1")
    done = patch(survey, rid, {"answers": {"plan": "Pro"}, "finished": True}, key="u-2")
    assert done.status_code == 200
    assert done.json()["finished"] is True
    response = Response.objects.get()
    assert response.finished_at is not None
    assert sorted(Answer.objects.values_list("question__key", flat=True)) == ["ease", "nps", "plan"]
    assert response.furthest_position == 2


def test_changing_an_answer_counts_an_edit_and_updates_score_tier_and_feedback(survey):
    rid = start(survey, {"nps": 9, "nps_comment": "Great"}).json()["id"]
    changed = patch(survey, rid, {"answers": {"nps": 5, "nps_comment": "Slow"}}, key="u-1")
    assert changed.json()["edits"] == 2
    assert (changed.json()["score"], changed.json()["tier"]) == (5, "dissatisfied")
    item = FeedbackItem.objects.get()
    assert (item.text, item.score) == ("Slow", 5)


def test_a_first_answer_to_a_question_is_not_an_edit(survey):
    rid = start(survey, {"nps": 9}).json()["id"]
    assert patch(survey, rid, {"answers": {"ease": 3}}, key="u-1").json()["edits"] == 0


def test_time_per_question_adds_up_across_updates(survey):
    rid = start(survey, {"nps": 9}, timings={"nps": 1000}).json()["id"]
    patch(survey, rid, {"timings": {"nps": 500, "ease": 700}}, key="u-1")
    patch(survey, rid, {"timings": {"nps": 250}}, key="u-2")
    assert Response.objects.get().timings == {"nps": 1750, "ease": 700}


def test_a_retried_update_counts_its_edits_and_time_once(survey):
    rid = start(survey, {"nps": 9}).json()["id"]
    body = {"answers": {"nps": 7}, "timings": {"nps": 900}}
    first = patch(survey, rid, body, key="u-1")
    again = patch(survey, rid, body, key="u-1")
    assert (first.json()["created"], again.json()["created"]) == (True, False)
    response = Response.objects.get()
    assert (response.edits, response.timings) == (1, {"nps": 900})


def test_an_update_without_a_key_is_refused(survey):
    rid = start(survey, {"nps": 9}).json()["id"]
    refused = patch(survey, rid, {"answers": {"ease": 3}}, key="")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "Idempotency-Key"


def test_a_bad_update_names_the_field_and_writes_nothing(survey):
    rid = start(survey, {"nps": 9}).json()["id"]
    body = {"answers": {"ease": 6, "plan": "Gold"}, "timings": {"ease": 10}}
    refused = patch(survey, rid, body, key="u-1")
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {"field": "answers.plan", "message": "must be one of: Free, Pro"}
    ]
    assert list(Answer.objects.values_list("question__key", flat=True)) == ["nps"]
    assert Response.objects.get().timings == {}
    assert patch(survey, rid, {"answers": {"ease": 6}}, key="u-1").status_code == 200


def test_bad_timings_are_refused_naming_the_field(survey):
    refused = start(survey, {"nps": 9}, timings={"colour": 5, "nps": -1})
    assert refused.status_code == 422
    fields = [e["field"] for e in refused.json()["detail"]]
    assert fields == ["timings.colour", "timings.nps"]
    assert not Response.objects.exists()


def test_finishing_needs_the_required_answers(alice):
    questions = [
        QuestionSpec(key="nps", type="nps", text="Recommend?"),
        QuestionSpec(key="why", type="text", text="Why?", required=True),
    ]
    survey = make_survey(alice.organization, questions=questions)
    rid = start(survey, {"nps": 4}).json()["id"]  # a partial response may skip it for now
    refused = patch(survey, rid, {"finished": True}, key="u-1")
    assert refused.json()["detail"] == [{"field": "answers.why", "message": "required"}]
    done = patch(survey, rid, {"answers": {"why": "Price"}, "finished": True}, key="u-2")
    assert done.json()["finished"] is True


def test_the_one_call_answer_still_creates_a_finished_response(survey):
    from earful.surveys.tests.test_api import answer

    stored = answer(survey, {"answers": {"nps": 9}}, key="k")
    assert stored.status_code == 201
    assert stored.json()["finished"] is True


def test_a_response_of_another_survey_or_a_bad_id_is_not_found(alice, charlie, survey):
    rid = start(survey, {"nps": 9}).json()["id"]
    other = make_survey(charlie.organization)
    assert patch(other, rid, {"finished": True}, key="u").status_code == 404
    assert patch(survey, "not-a-uuid", {"finished": True}, key="u").status_code == 404
    assert Response.objects.get().finished_at is None


def test_a_response_of_a_survey_closed_since_it_was_started_is_not_found(survey):
    rid = start(survey, {"nps": 9}).json()["id"]  # the survey is now in this process's cache
    close_survey(survey=survey)
    assert patch(survey, rid, {"finished": True}, key="u").status_code == 404
    assert Response.objects.get().finished_at is None


def test_the_summary_counts_finished_and_unfinished_responses_apart(alice, survey):
    start(survey, {"nps": 10}, key="a")
    start(survey, {"nps": 2}, key="b")
    from earful.surveys.tests.test_api import answer

    answer(survey, {"answers": {"nps": 9}})
    summary = alice.api.get(f"/api/v1/surveys/{survey.pk}/summary").json()
    assert (summary["responses"], summary["finished"], summary["unfinished"]) == (3, 1, 2)
    assert summary["tiers"] == {"highly_satisfied": 2, "satisfied": 0, "dissatisfied": 1}
