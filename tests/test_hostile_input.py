"""No 500 from any input (issue 14, item 5): each reproduction from the issue, and the limits
on JSON bodies and numbers that hold them."""

from __future__ import annotations

import json

from django.test import Client

from earful.surveys.tests.factories import make_survey


def _fields(answer) -> list[str]:
    return [error["field"] for error in answer.json()["detail"]]


def test_a_deeply_nested_body_on_the_public_endpoint_is_refused_with_400(alice):
    survey = make_survey(alice.organization)
    body = '{"answers": ' + "[" * 6000 + "]" * 6000 + "}"  # 12 KB, as in the issue
    answer = Client().post(
        f"/api/v1/public/surveys/{survey.public_id}/responses", body, "application/json"
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": [{"field": "body", "message": "nests deeper than 32 levels"}]
    }


def test_api_bodies_nest_32_levels_at_most_and_brackets_in_strings_do_not_count(alice):
    deep = {"title": "Deep", "intro": "[" * 100}
    assert alice.api.post("/api/v1/surveys", deep, "application/json").status_code == 201
    nested: object = "x"
    for _ in range(33):
        nested = [nested]
    refused = alice.api.post("/api/v1/surveys", {"title": "t", "x": nested}, "application/json")
    assert (refused.status_code, _fields(refused)) == (400, ["body"])


def test_an_api_body_over_the_limit_answers_413(alice, settings):
    settings.EARFUL_API_MAX_BODY_BYTES = 2048
    answer = alice.api.post("/api/v1/surveys", {"title": "x" * 3000}, "application/json")
    assert (answer.status_code, _fields(answer)) == (413, ["body"])


def test_an_unreadable_content_length_is_refused_not_a_server_error(alice):
    survey = make_survey(alice.organization)
    answer = Client().post(
        f"/api/v1/public/surveys/{survey.public_id}/responses",
        "{}",
        "application/json",
        CONTENT_LENGTH="many",
    )
    assert answer.status_code == 413


def test_an_offset_no_database_holds_answers_422_naming_it(alice):
    answer = alice.api.get("/api/v1/customers", {"offset": "99999999999999999999"})
    assert (answer.status_code, _fields(answer)) == (422, ["query.offset"])
    assert alice.api.get("/api/v1/surveys", {"offset": "-1"}).status_code == 422


def test_an_id_no_database_holds_answers_422_not_500(alice):
    assert alice.api.get("/api/v1/customers/99999999999999999999").status_code == 422
    assert alice.api.get("/api/v1/surveys/0").status_code == 422


def test_a_destination_id_no_database_holds_answers_422_naming_it(alice):
    body = {"name": "R", "kind": "detractor", "destinations": [18446744073709551616]}
    answer = alice.api.post("/api/v1/alert-rules", body, "application/json")
    assert (answer.status_code, _fields(answer)) == (422, ["destinations.0"])


def test_a_sending_window_with_an_offset_is_refused_cleanly_and_a_local_one_kept(alice):
    survey = make_survey(alice.organization)
    url = f"/api/v1/surveys/{survey.pk}/outreach"
    refused = alice.api.put(url, json.dumps({"window_start": "10:38:05Z"}), "application/json")
    assert (refused.status_code, _fields(refused)) == (422, ["window_start"])
    kept = alice.api.put(url, json.dumps({"window_start": "10:38"}), "application/json")
    assert (kept.status_code, kept.json()["window_start"]) == (200, "10:38:00")


def test_the_spec_declares_no_time_format_for_local_times(alice):
    spec = Client().get("/api/v1/openapi.json").json()
    window = spec["components"]["schemas"]["OutreachSettingsIn"]["properties"]["window_start"]
    assert "format" not in window
    assert window["pattern"].startswith("^")


def test_drivers_of_a_survey_without_answers_answer_200_not_500(alice):
    """Found by scripts/fuzz-api.sh: no answers left no rows to shape the predictors from."""
    survey = make_survey(alice.organization)
    for endpoint in ("drivers", "movement", "trends"):
        answer = alice.api.get(f"/api/v1/insights/{endpoint}", {"survey": survey.pk})
        assert answer.status_code == 200, endpoint
