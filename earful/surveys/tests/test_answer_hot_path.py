"""The answer hot path: an answer is accepted with one statement, its Answer rows and feedback
items are written afterwards (by the worker's sweep), and nothing accepted is ever lost or
doubled in between. See docs/dev/architecture.md, "Answers: the hot path"."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from earful.feedback.models import FeedbackItem
from earful.surveys import published
from earful.surveys.models import Answer, Intake, Response, ResponseUpdate
from earful.surveys.services import (
    close_survey,
    expand_responses,
    expanding,
    submit_response,
    update_survey,
)
from earful.surveys.tests.factories import make_survey
from earful.surveys.tests.test_api import answer
from earful.surveys.tests.test_partial_responses import patch, start


@pytest.fixture
def survey(alice):
    return make_survey(alice.organization)


def test_an_accepted_answer_is_kept_as_one_intake_row_before_any_response_row(deferred, survey):
    stored = answer(survey, {"answers": {"nps": 3, "nps_comment": " Slow delivery "}}, key="k")
    assert stored.status_code == 201
    kept = Intake.objects.get()
    assert (kept.survey_id, kept.idempotency_key) == (survey.pk, "k")
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_an_answer_taken_in_becomes_its_response_row_with_everything_it_decides(deferred, survey):
    reply = answer(survey, {"answers": {"nps": 3, "nps_comment": " Slow delivery "}}, key="k")
    assert expanding.take_in_pending() == 1
    response = Response.objects.get()
    assert str(response.uid) == reply.json()["id"]
    assert response.answers_given == {"nps": 3, "nps_comment": "Slow delivery"}
    assert (response.score, response.tier, response.probe_trigger) == (
        3,
        "dissatisfied",
        "low_score",
    )
    assert response.expanded_at is None
    assert not Intake.objects.exists()
    assert not Answer.objects.exists()
    assert not FeedbackItem.objects.exists()


def test_the_sweep_writes_the_answer_rows_and_feedback_items_of_an_accepted_answer(
    deferred, survey
):
    answer(survey, {"answers": {"nps": 3, "nps_comment": "Slow delivery", "plan": "Pro"}}, key="k")
    assert expand_responses() == 1
    nps, plan = Answer.objects.order_by("question__position")
    assert (nps.number, nps.comment, plan.text) == (3, "Slow delivery", "Pro")
    item = FeedbackItem.objects.get()
    assert (item.text, item.score) == ("Slow delivery", 3)
    assert Response.objects.get().expanded_at is not None
    assert expand_responses() == 0  # nothing left, nothing written twice
    assert Answer.objects.count() == 2


def test_a_retry_before_the_sweep_returns_the_same_response_and_stores_nothing_new(
    deferred, survey
):
    first = answer(survey, {"answers": {"nps": 9}}, key="again")
    second = answer(survey, {"answers": {"nps": 9}}, key="again")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["created"] is False
    expand_responses()
    assert (Response.objects.count(), Answer.objects.count()) == (1, 1)


def test_an_update_before_the_sweep_is_in_the_answer_rows_the_sweep_writes(deferred, survey):
    rid = start(survey, {"nps": 9, "nps_comment": "Great"}).json()["id"]
    updated = patch(survey, rid, {"answers": {"nps": 6, "ease": 5}, "finished": True}, key="u")
    assert (updated.json()["edits"], updated.json()["tier"]) == (1, "dissatisfied")
    assert not Answer.objects.exists()
    expand_responses()
    assert dict(Answer.objects.values_list("question__key", "number")) == {"nps": 6, "ease": 5}
    assert FeedbackItem.objects.get().score == 6


def test_an_update_after_the_sweep_rewrites_only_the_changed_rows(deferred, survey):
    rid = start(survey, {"nps": 9, "nps_comment": "Great", "plan": "Pro"}).json()["id"]
    expand_responses()
    kept = Answer.objects.get(question__key="plan").pk
    patch(survey, rid, {"answers": {"nps_comment": "Too slow", "plan": None}}, key="u")
    assert list(Answer.objects.values_list("question__key", "comment")) == [("nps", "Too slow")]
    assert not Answer.objects.filter(pk=kept).exists()
    item = FeedbackItem.objects.get()
    assert (item.text, item.analyzed_at) == ("Too slow", None)


def test_the_sweep_writes_the_answers_as_they_are_when_it_writes(deferred, survey):
    rid = start(survey, {"nps": 9}).json()["id"]
    expanding.take_in_pending()
    listed = list(Response.objects.filter(expanded_at__isnull=True).values_list("pk", flat=True))
    patch(survey, rid, {"answers": {"nps": 4}}, key="u")
    assert expanding._expand(listed)[0] == 1
    assert Answer.objects.get().number == 4


def test_the_sweep_expands_more_responses_than_one_batch_holds(deferred, survey):
    for i in range(expanding.BATCH + 3):
        submit_response(survey=survey, answers={"nps": i % 11}, key=f"k{i}")
    assert expand_responses() == expanding.BATCH + 3
    assert Answer.objects.count() == expanding.BATCH + 3


def test_the_dashboards_expand_what_is_pending_before_they_count(deferred, alice, survey):
    answer(survey, {"answers": {"nps": 4, "nps_comment": "Slow", "ease": 2}}, key="k")
    page = alice.client.get(f"/surveys/{survey.pk}/dashboard/")
    assert page.status_code == 200
    assert "Slow" in page.content.decode()
    assert Answer.objects.count() == 2


def test_expand_answers_sweeps_from_the_command_line(deferred, survey, capsys):
    answer(survey, {"answers": {"nps": 4}}, key="k")
    call_command("expand_answers")
    assert "expanded 1 responses" in capsys.readouterr().out
    assert Answer.objects.count() == 1


def test_an_answer_takes_one_statement_once_its_survey_is_known(
    deferred, survey, django_assert_num_queries
):
    answer(survey, {"answers": {"nps": 9}}, key="first")  # loads the survey into the cache
    # and one more: the abuse limit's count, shared by the server's processes (core.ratelimit)
    with django_assert_num_queries(2):
        assert answer(survey, {"answers": {"nps": 9}}, key="second").status_code == 201
    with override_settings(EARFUL_RATE_LIMIT_PUBLIC="0"), django_assert_num_queries(1):
        assert answer(survey, {"answers": {"nps": 9}}, key="third").status_code == 201


def test_a_survey_closed_after_it_was_read_refuses_answers(survey):
    answer(survey, {"answers": {"nps": 9}}, key="cached")
    close_survey(survey=survey)
    refused = answer(survey, {"answers": {"nps": 9}}, key="late")
    assert refused.status_code == 404
    assert Response.objects.count() == 1
    assert answer(survey, {"answers": {"nps": 9}}, key="cached").status_code == 404


def test_a_survey_changed_after_it_was_read_answers_as_it_is_now(survey):
    answer(survey, {"answers": {"nps": 9}}, key="cached")
    update_survey(survey=survey, probe_text="What held you back?")
    stored = answer(survey, {"answers": {"nps": 7}}, key="after").json()
    assert stored["probe"]["question"] == "What held you back?"


def test_the_html_form_and_the_api_share_the_cache_without_mixing_surveys(alice, charlie):
    ours, theirs = make_survey(alice.organization), make_survey(charlie.organization)
    submit_response(survey=ours, answers={"nps": 9}, key="a")
    answer(theirs, {"answers": {"nps": 2}}, key="a")
    assert published.entry_of(ours).survey.organization_id == alice.organization.pk
    assert Response.objects.get(survey=theirs).organization_id == charlie.organization.pk


def test_a_retried_update_is_applied_once_even_after_the_sweep(survey):
    rid = start(survey, {"nps": 9}).json()["id"]
    body = {"answers": {"nps": 7}, "timings": {"nps": 900}}
    assert patch(survey, rid, body, key="u").json()["created"] is True
    assert patch(survey, rid, body, key="u").json()["created"] is False
    assert ResponseUpdate.objects.count() == 1
    assert Response.objects.get().timings == {"nps": 900}


BODIES = [
    ({"answers": {"nps": 9, "nps_comment": "Fine"}}, "k1"),
    ({"answers": {"nps": 11}}, "k2"),
    ({"answers": "nope"}, "k3"),
    ({"answers": {"nps": 9}, "finished": "maybe"}, "k4"),
    ({}, "k5"),
    ([1, 2], "k6"),
]


@pytest.mark.parametrize(("body", "key"), BODIES)
def test_the_plain_view_answers_exactly_as_the_ninja_operation_documents(alice, body, key):
    from ninja.testing import TestClient

    from earful.api import api

    served, documented = make_survey(alice.organization), make_survey(alice.organization)
    plain = Client().post(
        f"/api/v1/public/surveys/{served.public_id}/responses",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    ninja = TestClient(api).post(
        f"/public/surveys/{documented.public_id}/responses",
        json=body,
        headers={"Idempotency-Key": key},
    )
    assert plain.status_code == ninja.status_code
    assert _comparable(plain.json()) == _comparable(ninja.json())
    assert plain["Content-Type"] == ninja["Content-Type"]


def test_a_body_that_is_not_json_gets_the_same_400_as_from_ninja(survey):
    refused = Client().post(
        f"/api/v1/public/surveys/{survey.public_id}/responses",
        "{nope",
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()) == (
        400,
        {"detail": [{"field": "body", "message": "Cannot parse request body"}]},
    )


def test_an_unknown_survey_or_response_is_404_in_the_api_s_error_shape(survey):
    missing = answer(survey.__class__(public_id="no-such-survey-xx"), {"answers": {"nps": 1}})
    assert (missing.status_code, missing.json()) == (
        404,
        {"detail": [{"field": "id", "message": "not found"}]},
    )
    assert patch(survey, "not-a-uuid", {"finished": True}, key="u").status_code == 404


def _comparable(body: object) -> object:
    if isinstance(body, dict) and "id" in body:
        return {k: v for k, v in body.items() if k not in {"id", "survey", "submitted_at"}} | {
            "finished_at": bool(body.get("finished_at"))
        }
    return body
