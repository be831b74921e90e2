"""/api/v1/insights/movement, /trends and /drivers: answers, 404s across organizations, queries."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey

URL = "/api/v1/insights"


def _answer(survey, ref: str, score: int, days_ago: int, ease: int | None = None) -> None:
    answers = {"nps": score} if ease is None else {"nps": score, "ease": ease}
    moment = timezone.now() - timedelta(days=days_ago)
    key = f"{ref}-{score}-{days_ago}-{ease}"
    submit_response(survey=survey, answers=answers, key=key, customer_ref=ref, submitted_at=moment)


def test_movement_answers_the_matrix_and_the_moved_up_share(alice):
    survey = make_survey(alice.organization)
    _answer(survey, "ann", 3, days_ago=120)
    _answer(survey, "ann", 9, days_ago=10)
    _answer(survey, "ben", 8, days_ago=100)
    _answer(survey, "ben", 8, days_ago=5)
    body = alice.api.get(f"{URL}/movement", {"survey": survey.pk}).json()
    assert body["levels"] == ["dissatisfied", "satisfied", "highly_satisfied"]
    assert body["matrix"] == [[0, 0, 1], [0, 1, 0], [0, 0, 0]]
    assert body["moved_up"]["count"] == 1
    assert body["moved_up"]["share"] == 0.5
    assert 0 < body["moved_up"]["low"] < 0.5 < body["moved_up"]["high"] < 1
    assert body["row_shares"][2] == [None, None, None]


def test_movement_takes_the_periods_it_is_given(alice):
    survey = make_survey(alice.organization)
    periods = {"period_a": "2026-01-01..2026-01-31", "period_b": "2026-02-01..2026-02-28"}
    body = alice.api.get(f"{URL}/movement", {"survey": survey.pk, **periods}).json()
    assert (body["period_a"], body["period_b"]) == (periods["period_a"], periods["period_b"])
    assert body["customers"] == 0
    assert body["moved_up"]["share"] is None


def test_a_malformed_period_answers_422_naming_it(alice):
    response = alice.api.get(f"{URL}/movement", {"period_b": "last spring"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "period_b"


def test_movement_refuses_a_trustee_survey(alice):
    survey = make_survey(alice.organization, trust_mode="trustee")
    response = alice.api.get(f"{URL}/movement", {"survey": survey.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "survey"


def test_charlie_gets_404_for_alice_s_survey_on_every_statistics_endpoint(alice, charlie):
    survey = make_survey(alice.organization)
    for path in ("movement", "trends", "drivers"):
        response = charlie.api.get(f"{URL}/{path}", {"survey": survey.pk})
        assert response.status_code == 404, path


def test_charlie_s_organization_wide_movement_and_trends_see_none_of_alice_s_answers(
    alice, charlie
):
    survey = make_survey(alice.organization)
    for days_ago in (100, 5):
        _answer(survey, "ann", 9, days_ago=days_ago)
    assert charlie.api.get(f"{URL}/movement").json()["customers"] == 0
    assert charlie.api.get(f"{URL}/trends").json()["series"] == []


def test_trends_answer_weekly_series_and_what_changed(alice):
    survey = make_survey(alice.organization)
    for i in range(6):
        _answer(survey, f"c{i}", 10, days_ago=50)
        _answer(survey, f"c{i}", 2, days_ago=3)
    body = alice.api.get(f"{URL}/trends", {"survey": survey.pk}).json()
    assert len(body["weeks"]) == 12
    assert (body["recent_weeks"], body["baseline_weeks"], body["fdr"]) == (4, 8, 0.05)
    score = next(s for s in body["series"] if s["dimension"] == "survey" and s["metric"] == "score")
    assert score["kind"] == "nps"
    assert score["p_value"] is None  # 6 answers a window: too few to test
    assert score["recent"] == -100.0
    assert body["change"]["sentence"] == "NPS fell 200.0 points."


def test_trends_refuse_windows_longer_than_a_year(alice):
    response = alice.api.get(f"{URL}/trends", {"recent_weeks": 40, "baseline_weeks": 20})
    assert response.status_code == 422


def test_trends_take_the_same_queries_for_ten_times_the_responses(alice):
    survey = make_survey(alice.organization)
    _answer(survey, "a", 9, days_ago=2)
    alice.api.get(f"{URL}/trends")  # the token's first use of the day is recorded once
    with CaptureQueriesContext(connection) as few:
        assert alice.api.get(f"{URL}/trends").status_code == 200
    for i in range(10):
        _answer(survey, f"b{i}", i, days_ago=i * 5)
    with CaptureQueriesContext(connection) as many:
        alice.api.get(f"{URL}/trends")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_drivers_rank_the_other_questions_or_say_too_little_data(alice):
    survey = make_survey(alice.organization)
    for i in range(12):
        _answer(survey, f"c{i}", i % 11, days_ago=1, ease=1 + i % 7)
    body = alice.api.get(f"{URL}/drivers", {"survey": survey.pk}).json()
    assert body["score_question"] == "nps"
    assert body["r_squared"] is None
    assert body["drivers"] == [
        {
            "kind": "question", "key": "ease", "label": "How easy was it?",
            "status": "too_little_data", "observations": 12, "rank": None, "weight": None,
            "share": None, "low": None, "high": None, "beyond_noise_low": None,
            "beyond_noise_high": None, "clear": False, "direction": None,
        }
    ]  # fmt: skip
    ranked = alice.api.get(f"{URL}/drivers", {"survey": survey.pk, "min_observations": 5})
    assert ranked.json()["drivers"][0]["rank"] == 1


def test_drivers_need_a_survey(alice):
    assert alice.api.get(f"{URL}/drivers").status_code == 422


def test_drivers_take_the_same_queries_for_ten_times_the_responses(alice):
    survey = make_survey(alice.organization)
    for i in range(4):
        _answer(survey, f"a{i}", i, days_ago=1, ease=1 + i)
    alice.api.get(f"{URL}/drivers", {"survey": survey.pk})  # records the token's use once
    with CaptureQueriesContext(connection) as few:
        alice.api.get(f"{URL}/drivers", {"survey": survey.pk})
    for i in range(40):
        _answer(survey, f"b{i}", i % 11, days_ago=2, ease=1 + i % 7)
    with CaptureQueriesContext(connection) as many:
        alice.api.get(f"{URL}/drivers", {"survey": survey.pk})
    assert len(many.captured_queries) == len(few.captured_queries)
