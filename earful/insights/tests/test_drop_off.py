from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.insights.selectors import drop_off
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey


def answer(survey, answers, key, *, finished=False):
    submit_response(survey=survey, answers=answers, key=key, finished=finished)


def test_drop_off_counts_who_reached_answered_and_stopped_at_each_question(alice):
    survey = make_survey(alice.organization)  # nps, ease, plan
    answer(survey, {"nps": 9}, "a")
    answer(survey, {"nps": 3}, "b")
    answer(survey, {"nps": 8, "ease": 5}, "c")
    answer(survey, {"nps": 10, "ease": 7, "plan": "Pro"}, "d", finished=True)
    answer(survey, {"ease": 2, "plan": "Free"}, "e", finished=True)  # skipped the first
    steps = {s.key: (s.reached, s.answered, s.stopped) for s in drop_off(survey)}
    assert steps == {"nps": (5, 4, 2), "ease": (3, 3, 1), "plan": (2, 2, 0)}


def test_the_dashboard_shows_where_unfinished_responses_stopped(alice):
    survey = make_survey(alice.organization)
    answer(survey, {"nps": 9}, "a")
    answer(survey, {"nps": 9, "ease": 6, "plan": "Pro"}, "b", finished=True)
    html = alice.client.get(f"/surveys/{survey.pk}/dashboard/").content.decode()
    assert "Drop-off per question" in html
    assert "Where unfinished responses stopped" in html
    assert "1 finished, 1 unfinished" in html


def test_drop_off_takes_the_same_queries_for_many_responses(alice):
    survey = make_survey(alice.organization)
    answer(survey, {"nps": 9}, "first")
    with CaptureQueriesContext(connection) as few:
        drop_off(survey)
    for i in range(12):
        answer(survey, {"nps": i % 11, "ease": 1 + i % 7}, f"k{i}", finished=i % 2 == 0)
    with CaptureQueriesContext(connection) as many:
        drop_off(survey)
    assert len(many.captured_queries) == len(few.captured_queries)
