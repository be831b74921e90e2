"""The answer endpoint keeps a new response as one narrow intake row; the expansion writes its
Response row. What is written is what the ORM would have stored at once, nothing is written
twice, and nothing is lost on the way (services/expanding.py)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from earful.core.rows import _fields
from earful.customers.tests.factories import CustomerFactory
from earful.surveys.models import Answer, Intake, PrizeDrawEntry, Response
from earful.surveys.services import expand_responses, submit_response
from earful.surveys.services.expanding import take_in_pending
from earful.surveys.signals import response_submitted
from earful.surveys.tests.factories import make_survey
from earful.surveys.tests.test_api import answer
from earful.surveys.tests.test_partial_responses import patch

WRITTEN_LATER = {"id", "expanded_at"}


@pytest.fixture
def survey(alice):
    return make_survey(alice.organization, prize_draw=True)


def _columns(response: Response) -> dict[str, object]:
    return {
        field.attname: field.value_from_object(response)
        for field in Response._meta.concrete_fields
        if field.attname not in WRITTEN_LATER
    }


@pytest.mark.parametrize("finished", [True, False])
def test_the_response_row_taken_in_is_the_row_the_orm_would_store(
    deferred, alice, survey, finished
):
    ann = CustomerFactory(organization=alice.organization, external_id="ann")
    accepted = submit_response(
        survey=survey,
        answers={"nps": 6, "nps_comment": "Fine, I guess", "plan": "Pro"},
        key="k",
        customer=ann,
        finished=finished,
        timings={"nps": 1200},
    ).response
    assert accepted.pk is None  # only taken in

    take_in_pending()

    assert _columns(Response.objects.get()) == _columns(accepted)


def test_a_retry_after_the_answer_was_taken_in_returns_the_stored_response(deferred, survey):
    first = answer(survey, {"answers": {"nps": 9}}, key="again").json()
    take_in_pending()
    second = answer(survey, {"answers": {"nps": 9}}, key="again")
    assert (second.status_code, second.json()["id"]) == (200, first["id"])
    assert (Response.objects.count(), Intake.objects.count()) == (1, 0)


def test_an_answer_taken_in_is_found_by_its_follow_up_page_at_once(deferred, survey):
    form = Client().post(f"/s/{survey.public_id}/", {"nps": "3", "idempotency_key": "f"})
    assert form.status_code == 302
    assert Client().get(form["Location"]).status_code == 200
    assert Response.objects.get().probe_trigger == "low_score"


def test_a_customer_deleted_before_the_take_in_leaves_the_response_anonymous(
    deferred, alice, survey
):
    ann = CustomerFactory(organization=alice.organization, external_id="ann")
    submit_response(survey=survey, answers={"nps": 9}, key="k", customer=ann)
    ann.delete()
    assert expand_responses() == 1
    assert Response.objects.get().customer_id is None


def test_the_answers_taken_in_go_with_their_survey_when_it_is_deleted(deferred, survey):
    answer(survey, {"answers": {"nps": 9}}, key="k")
    survey.delete()
    assert not Intake.objects.exists()
    assert expand_responses() == 0


def test_a_failed_expansion_keeps_the_answer_taken_in_for_the_next_sweep(
    deferred, survey, monkeypatch
):
    from earful.surveys.services import expanding

    answer(survey, {"answers": {"nps": 4, "nps_comment": "Slow"}}, key="k")

    def fail(*args):
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as patched:
        patched.setattr(expanding, "_write_rows", fail)
        with pytest.raises(RuntimeError):
            expand_responses()
    assert (Intake.objects.count(), Response.objects.count()) == (1, 0)

    assert expand_responses() == 1
    assert (Intake.objects.count(), Answer.objects.count()) == (0, 1)


def test_each_response_taken_in_is_announced_once_it_is_stored(
    deferred, survey, django_capture_on_commit_callbacks
):
    heard: list[tuple[int, object]] = []

    def listen(sender, response_id, invitation_id=None, **kwargs):
        heard.append((response_id, invitation_id))

    response_submitted.connect(listen)
    try:
        answer(survey, {"answers": {"nps": 9}}, key="k")
        assert heard == []
        with django_capture_on_commit_callbacks(execute=True):
            expand_responses()
            expand_responses()
    finally:
        response_submitted.disconnect(listen)
    assert heard == [(Response.objects.get().pk, None)]


def test_an_answer_with_a_prize_draw_entry_is_stored_whole_at_once(deferred, survey):
    body = {"answers": {"nps": 9}, "prize_draw": True}
    assert answer(survey, body, key="k").status_code == 201
    assert (Response.objects.count(), Intake.objects.count()) == (1, 0)
    assert PrizeDrawEntry.objects.count() == 1


def test_a_pseudonymous_answer_keeps_its_identity_apart_at_once(deferred, alice):
    survey = make_survey(alice.organization, trust_mode="pseudonymous")
    submit_response(survey=survey, answers={"nps": 9}, key="k", customer_ref="ann")
    assert (Response.objects.count(), Intake.objects.count()) == (1, 0)
    assert Response.objects.get().respondent_code


def test_an_update_of_an_answer_taken_in_applies_to_its_stored_row(deferred, survey):
    rid = answer(survey, {"answers": {"nps": 9}, "finished": False}, key="k").json()["id"]
    updated = patch(survey, rid, {"answers": {"ease": 2}, "finished": True}, key="u")
    assert updated.status_code == 200
    assert json.loads(updated.content)["finished"] is True
    assert Response.objects.get().answers_given == {"nps": 9, "ease": 2}


def test_an_update_takes_its_answer_in_within_its_own_transaction(deferred, survey):
    rid = answer(survey, {"answers": {"nps": 9}, "finished": False}, key="k").json()["id"]
    refused = patch(survey, rid, {"answers": {"ease": 99}}, key="u")
    assert refused.status_code == 422
    # Refused, it rolled back with its take-in: the answer is still kept, only taken in.
    assert (Response.objects.count(), Intake.objects.count()) == (0, 1)
    assert patch(survey, rid, {"answers": {"ease": 2}}, key="u2").status_code == 200
    assert Response.objects.get().answers_given == {"nps": 9, "ease": 2}


def test_an_update_without_a_key_or_of_an_unknown_response_is_refused(deferred, survey):
    rid = answer(survey, {"answers": {"nps": 9}, "finished": False}, key="k").json()["id"]
    assert patch(survey, rid, {"answers": {"ease": 2}}, key="").status_code == 422
    unknown = "01a20c4c-74af-7ac3-a1cf-1798cf90e92f"
    assert patch(survey, unknown, {"answers": {"ease": 2}}, key="u").status_code == 404


def test_the_intake_row_is_written_in_the_column_order_the_answer_endpoint_gives() -> None:
    # answering._keep_in_intake passes (survey, idempotency_key, row) to insert_values
    assert [f.attname for f in _fields(Intake)] == ["survey_id", "idempotency_key", "row"]
