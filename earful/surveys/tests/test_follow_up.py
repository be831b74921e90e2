"""The one follow-up question: asked after a low, middling or hesitant answer, by API and page."""

from __future__ import annotations

import json

from django.test import Client

from earful.feedback.models import FeedbackItem
from earful.surveys.models import Response
from earful.surveys.services import update_survey
from earful.surveys.tests.factories import make_survey
from earful.surveys.tests.test_partial_responses import patch, start


def answer(survey, body, key="k"):
    return Client().post(
        f"/api/v1/public/surveys/{survey.public_id}/responses",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_a_low_score_gets_the_follow_up_question_in_the_answer(alice):
    survey = make_survey(alice.organization)
    stored = answer(survey, {"answers": {"nps": 3}}).json()
    assert stored["probe"] == {
        "trigger": "low_score",
        "question": "Thanks. What is one thing we could do better?",
    }


def test_a_promoter_without_doubts_gets_no_follow_up(alice):
    survey = make_survey(alice.organization)
    stored = answer(survey, {"answers": {"nps": 10, "nps_comment": "Lovely staff"}}).json()
    assert stored["probe"] is None
    assert Response.objects.get().probe_trigger == ""


def test_a_top_score_with_a_hedging_comment_gets_a_follow_up(alice):
    survey = make_survey(alice.organization)
    stored = answer(survey, {"answers": {"nps": 9, "nps_comment": "It was fine, I guess"}}).json()
    assert stored["probe"]["trigger"] == "hedging:i guess"


def test_the_follow_up_uses_the_survey_author_s_words(alice):
    survey = make_survey(alice.organization)
    update_survey(survey=survey, probe_text="What held you back?")
    assert answer(survey, {"answers": {"nps": 7}}).json()["probe"]["question"] == (
        "What held you back?"
    )


def test_the_follow_up_answer_is_stored_and_becomes_a_feedback_item(alice):
    survey = make_survey(alice.organization)
    rid = answer(survey, {"answers": {"nps": 5}}).json()["id"]
    replied = patch(survey, rid, {"answers": {"probe": "Answer the phone"}}, key="p-1")
    assert replied.status_code == 200
    assert replied.json()["probe"] is None  # answered: no longer due
    response = Response.objects.get()
    assert (response.probe_trigger, response.probe_answer) == ("low_score", "Answer the phone")
    item = FeedbackItem.objects.get()
    assert (item.text, item.score) == ("Answer the phone", 5)


def test_a_response_gets_at_most_one_follow_up_and_keeps_its_first_trigger(alice):
    survey = make_survey(alice.organization)
    rid = start(survey, {"nps": 7}).json()["id"]
    patch(survey, rid, {"answers": {"probe": "Cheaper"}}, key="p-1")
    later = patch(survey, rid, {"answers": {"nps": 2}, "finished": True}, key="p-2").json()
    assert later["probe"] is None
    assert Response.objects.get().probe_trigger == "middling_score"


def test_many_edits_while_answering_ask_a_follow_up(alice):
    survey = make_survey(alice.organization)
    rid = start(survey, {"nps": 10, "nps_comment": "Great"}).json()["id"]
    patch(survey, rid, {"answers": {"nps": 9, "nps_comment": "Good"}}, key="e-1")
    again = patch(survey, rid, {"answers": {"nps": 10}}, key="e-2").json()
    assert again["probe"]["trigger"] == "hesitation:edits"


def test_answering_a_follow_up_that_was_never_asked_is_refused(alice):
    survey = make_survey(alice.organization)
    rid = answer(survey, {"answers": {"nps": 10}}).json()["id"]
    refused = patch(survey, rid, {"answers": {"probe": "Hi"}}, key="p-1")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "answers.probe"


def test_the_page_asks_the_follow_up_after_a_low_score_then_thanks(alice):
    survey = make_survey(alice.organization)
    posted = Client().post(f"/s/{survey.public_id}/", {"idempotency_key": "k", "nps": "4"})
    response = Response.objects.get()
    assert posted["Location"] == f"/s/{survey.public_id}/r/{response.uid}/follow-up/"
    page = Client().get(posted["Location"]).content.decode()
    assert "What is one thing we could do better?" in page
    assert "Skip" in page
    sent = Client().post(posted["Location"], {"idempotency_key": "f", "probe": "Be faster"})
    assert sent["Location"] == f"/s/{survey.public_id}/thanks/"
    response.refresh_from_db()
    assert response.probe_answer == "Be faster"


def test_the_follow_up_page_of_an_answered_probe_leads_to_thanks(alice):
    survey = make_survey(alice.organization)
    Client().post(f"/s/{survey.public_id}/", {"idempotency_key": "k", "nps": "10"})
    response = Response.objects.get()
    reply = Client().get(f"/s/{survey.public_id}/r/{response.uid}/follow-up/")
    assert reply["Location"] == f"/s/{survey.public_id}/thanks/"


def test_the_follow_up_page_of_another_survey_s_response_is_not_found(alice, charlie):
    survey, other = make_survey(alice.organization), make_survey(charlie.organization)
    Client().post(f"/s/{survey.public_id}/", {"idempotency_key": "k", "nps": "2"})
    response = Response.objects.get()
    assert Client().get(f"/s/{other.public_id}/r/{response.uid}/follow-up/").status_code == 404
