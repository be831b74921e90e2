from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.insights.selectors import survey_summary, weekly_series
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import QuestionSpec

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday


def answer_many(survey, scores, *, at=NOW, comment=""):
    for i, score in enumerate(scores):
        answers = {"nps": score, "nps_comment": comment} if comment else {"nps": score}
        submit_response(
            survey=survey, answers=answers, key=f"{at.isoformat()}-{i}-{score}", submitted_at=at
        )


def test_the_dashboard_shows_the_score_tiers_charts_and_latest_comments(alice):
    survey = make_survey(alice.organization)
    answer_many(survey, [10, 9, 7, 3] * 2, comment="The fitting room was tiny")
    html = alice.client.get(f"/surveys/{survey.pk}/dashboard/").content.decode()
    assert "25.0" in html  # NPS: (4 - 2) / 8
    assert "Highly satisfied (4)" in html
    assert "Satisfied (2)" in html
    assert "Dissatisfied (2)" in html
    assert html.count("<svg") == 4  # tiers, score and volume per week, drop-off
    assert "The fitting room was tiny" in html


def test_the_dashboard_loads_nothing_from_another_host(alice):
    survey = make_survey(alice.organization)
    answer_many(survey, [9])
    html = alice.client.get(f"/surveys/{survey.pk}/dashboard/").content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []


def test_charlie_gets_404_for_alice_s_dashboard(alice, charlie):
    survey = make_survey(alice.organization)
    assert charlie.client.get(f"/surveys/{survey.pk}/dashboard/").status_code == 404


def test_the_dashboard_takes_the_same_queries_for_ten_times_the_responses(alice):
    survey = make_survey(alice.organization)
    answer_many(survey, [9, 3], comment="ok")
    with CaptureQueriesContext(connection) as few:
        alice.client.get(f"/surveys/{survey.pk}/dashboard/")
    answer_many(survey, [10, 8, 6, 2, 9] * 4, at=NOW - timedelta(weeks=3), comment="more")
    with CaptureQueriesContext(connection) as many:
        alice.client.get(f"/surveys/{survey.pk}/dashboard/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_weekly_series_buckets_by_monday_keeps_empty_weeks_and_skips_thin_ones(alice):
    survey = make_survey(alice.organization)
    answer_many(survey, [10, 0, 10, 0, 8, 8], at=NOW)  # this week: NPS 0
    answer_many(survey, [10] * 5, at=NOW - timedelta(weeks=2))  # two weeks ago: NPS 100
    answer_many(survey, [0] * 4, at=NOW - timedelta(weeks=3))  # too few to score
    weeks = weekly_series(survey, weeks=4, now=NOW)
    assert [w.start.date().isoformat() for w in weeks] == [
        "2026-10-26",
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
    ]
    assert [w.responses for w in weeks] == [4, 5, 0, 6]
    assert [w.score for w in weeks] == [None, 100.0, None, 0.0]


def test_a_csat_survey_scores_the_share_of_fours_and_fives(alice):
    survey = make_survey(
        alice.organization, questions=[QuestionSpec(key="csat", type="csat", text="Happy?")]
    )
    for i, score in enumerate([5, 4, 3, 1]):
        submit_response(survey=survey, answers={"csat": score}, key=str(i))
    summary = survey_summary(survey)
    assert (summary.kind, summary.score) == ("csat", 50.0)
    assert summary.tiers == {"highly_satisfied": 1, "satisfied": 1, "dissatisfied": 2}


def test_a_ces_survey_scores_the_average_effort(alice):
    survey = make_survey(
        alice.organization, questions=[QuestionSpec(key="ces", type="ces", text="Easy?")]
    )
    for i, score in enumerate([7, 6, 5, 2]):
        submit_response(survey=survey, answers={"ces": score}, key=str(i))
    summary = survey_summary(survey)
    assert (summary.kind, summary.score) == ("ces", 5.0)
    assert summary.tiers == {"highly_satisfied": 2, "satisfied": 1, "dissatisfied": 1}


def test_a_survey_without_answers_shows_no_score_rather_than_zero(alice):
    survey = make_survey(alice.organization)
    html = alice.client.get(f"/surveys/{survey.pk}/dashboard/").content.decode()
    assert survey_summary(survey).score is None
    assert "no data yet" in html
