"""Exports: every response as a row, safe in a spreadsheet, trustee rules kept, tenants walled."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.customers.services import upsert_customer
from earful.privacy.formats import BOM, csv_lines, neutralise
from earful.privacy.models import AuditEvent
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey


def answer(survey, score, comment, *, key, customer_ref=""):
    answers = {"nps": score, "nps_comment": comment, "ease": 5, "plan": "Pro"}
    submit_response(survey=survey, answers=answers, key=key, customer_ref=customer_ref)


def read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def survey(alice):
    survey = make_survey(alice.organization)
    upsert_customer(organization=alice.organization, data={"external_id": "cus-1"})
    answer(survey, 3, '=HYPERLINK("http://evil.test")', key="a", customer_ref="cus-1")
    answer(survey, 10, "Lovely, thanks", key="b")
    return survey


def test_a_formula_in_a_comment_is_quoted_so_no_spreadsheet_runs_it():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("+33 6 12") == "'+33 6 12"
    assert neutralise("-5") == "'-5"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("fine") == "fine"
    assert neutralise(-5) == -5  # numbers are numbers


def test_the_bom_comes_first_only_when_asked():
    assert "".join(csv_lines(["a"], [{"a": 1}], bom=True)).startswith(BOM)
    assert not "".join(csv_lines(["a"], [{"a": 1}])).startswith(BOM)


def test_the_survey_exports_one_row_per_response_and_a_column_per_question(alice, survey):
    response = alice.api.get(f"/api/v1/surveys/{survey.pk}/responses/export?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert [r["nps"] for r in rows] == ["3", "10"]
    assert rows[0]["customer"] == "cus-1"
    assert rows[0]["nps_comment"].startswith("'=HYPERLINK")
    assert rows[1]["plan"] == "Pro"
    assert {"response", "submitted_at", "score", "tier", "ease", "nps_comment"} <= set(rows[0])


def test_json_lines_carry_the_same_rows(alice, survey):
    response = alice.api.get(f"/api/v1/surveys/{survey.pk}/responses/export?format=jsonl")
    rows = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [r["score"] for r in rows] == [3, 10]


def test_the_api_pages_through_responses_with_a_cursor(alice, survey):
    first = alice.api.get(f"/api/v1/surveys/{survey.pk}/responses?limit=1").json()
    assert len(first["items"]) == 1
    assert first["next"]
    second = alice.api.get(f"/api/v1/surveys/{survey.pk}/responses?limit=1&after={first['next']}")
    assert [r["score"] for r in second.json()["items"]] == [10]
    assert second.json()["next"] is None


def test_a_bad_limit_is_refused_naming_the_field(alice, survey):
    response = alice.api.get(f"/api/v1/surveys/{survey.pk}/responses?limit=99999999999999999999")
    assert response.status_code == 422
    assert "limit" in json.dumps(response.json())


def test_a_trustee_survey_exports_nothing_under_five_responses(alice):
    survey = make_survey(alice.organization, trust_mode="trustee")
    for i in range(4):
        answer(survey, 9, f"comment {i}", key=f"t{i}", customer_ref=f"cus-{i}")
    response = alice.api.get(f"/api/v1/surveys/{survey.pk}/responses/export?format=csv")
    assert read_csv(response) == []
    assert "fewer than 5" in response["X-Earful-Withheld"]


def test_a_trustee_survey_exports_no_identity_and_only_the_day(alice):
    survey = make_survey(alice.organization, trust_mode="trustee")
    for i in range(5):
        answer(survey, 9, f"comment {i}", key=f"t{i}", customer_ref=f"cus-{i}")
    rows = read_csv(alice.api.get(f"/api/v1/surveys/{survey.pk}/responses/export"))
    assert len(rows) == 5
    assert "customer" not in rows[0]
    assert "respondent" not in rows[0]
    assert "submitted_at" not in rows[0]
    assert len(rows[0]["submitted_on"]) == 10


def test_every_export_is_in_the_audit_log(alice, survey):
    alice.api.get(f"/api/v1/surveys/{survey.pk}/responses/export")
    event = AuditEvent.objects.get(action="export.responses")
    assert event.actor_label == "alice@a.test"
    assert event.target == f"survey:{survey.pk}"


def test_feedback_and_customers_export_from_the_page(alice, survey):
    feedback = read_csv(alice.client.get("/privacy/exports/feedback/?format=csv"))
    assert {r["text"] for r in feedback} >= {"Lovely, thanks"}
    customers = read_csv(alice.client.get("/privacy/exports/customers/?format=csv"))
    assert [c["external_id"] for c in customers] == ["cus-1"]
    assert alice.client.get("/privacy/exports/").status_code == 200


def test_charlie_gets_404_for_another_organizations_survey(charlie, survey):
    assert charlie.api.get(f"/api/v1/surveys/{survey.pk}/responses").status_code == 404
    assert charlie.api.get(f"/api/v1/surveys/{survey.pk}/responses/export").status_code == 404
    assert charlie.client.get(f"/privacy/exports/surveys/{survey.pk}/").status_code == 404
    customers = read_csv(charlie.client.get("/privacy/exports/customers/?format=csv"))
    assert customers == []


def test_a_viewer_cannot_export(persona_with_role, survey):
    viewer = persona_with_role("viewer")
    assert viewer.api.get(f"/api/v1/surveys/{survey.pk}/responses").status_code == 403


def test_a_page_of_responses_costs_the_same_queries_whatever_the_rows(alice, survey):
    url = f"/api/v1/surveys/{survey.pk}/responses?limit=1000"
    alice.api.get(url)  # the token's first use of the day is stamped once
    with CaptureQueriesContext(connection) as few:
        alice.api.get(url)
    for i in range(20):
        answer(survey, i % 11, f"more {i}", key=f"m{i}")
    with CaptureQueriesContext(connection) as many:
        alice.api.get(url)
    assert len(many) == len(few)
