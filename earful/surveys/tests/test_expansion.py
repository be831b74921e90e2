"""The expansion writes, set-wise in SQL, the Answer rows and feedback items that
`merging.answers_from_given` and `merging.feedback_items` make from the same answers: every
question type, comments, open text, clearing, on the test database's backend (SQLite, or
PostgreSQL with EARFUL_TEST_DATABASE_URL)."""

from __future__ import annotations

import json

import pytest

from earful.customers.tests.factories import CustomerFactory
from earful.feedback.models import FeedbackItem
from earful.feedback.signals import feedback_recorded
from earful.surveys.models import Answer, Response
from earful.surveys.services import expand_responses, submit_response
from earful.surveys.services.expanding import take_in_pending
from earful.surveys.services.merging import answers_from_given, feedback_items
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import QuestionSpec

SCORES_AND_WORDS = [  # a published survey has at most 5 questions: two surveys, every type
    QuestionSpec(key="nps", type="nps", text="Recommend us?", comment=True),
    QuestionSpec(key="csat", type="csat", text="Satisfied?"),
    QuestionSpec(key="plan", type="choice", text="Plan?", choices=["Free", "Pro"], comment=True),
    QuestionSpec(key="uses", type="multi_choice", text="Uses?", choices=["Web", "App", "API"]),
    QuestionSpec(key="why", type="text", text="Anything else?"),
]
EFFORT = [
    QuestionSpec(key="ease", type="ces", text="Easy?", comment=True),
    QuestionSpec(key="stars", type="rating", text="Stars?"),
]

ANSWERS = [
    {"nps": 3, "nps_comment": "Delivery took 9 days", "csat": 2, "why": "Late again"},
    {"plan": "Pro", "plan_comment": "For the API", "uses": ["Web", "API"]},
    {"nps": 7, "nps_comment": "   ", "why": "  ", "uses": ["App"]},  # blank words: no items
    {"nps_comment": "Only a comment, l'été dernier, «déçu»"},
    {"csat": 5},
]
EFFORT_ANSWERS = [
    {"ease": 6, "ease_comment": "Easy, but the app crashed once", "stars": 5},
    {"stars": 2},
]


@pytest.fixture
def surveys(alice):
    return [
        make_survey(alice.organization, title="Scores and words", questions=SCORES_AND_WORDS),
        make_survey(alice.organization, title="Effort", questions=EFFORT),
    ]


def _submit_all(surveys, alice) -> int:
    ann = CustomerFactory(organization=alice.organization, external_id="ann")
    given = [(surveys[0], a, {}) for a in ANSWERS]
    given += [(surveys[1], a, {"customer": ann}) for a in EFFORT_ANSWERS]
    for n, (survey, answers, who) in enumerate(given):
        submit_response(survey=survey, answers=answers, key=f"k{n}", finished=False, **who)
    return len(given)


def _answer_rows(answers: list[Answer]) -> set[tuple[object, ...]]:
    return {
        (a.response_id, a.question_id, a.number, a.text, json.dumps(a.choices), a.comment)
        for a in answers
    }


def _item_rows(items: list[FeedbackItem]) -> set[tuple[object, ...]]:
    return {
        (i.organization_id, i.channel, i.source_key, i.customer_id, i.text, i.score, i.received_at)
        for i in items
    }


def _expected() -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    answers, items = [], []
    for response in Response.objects.all():
        questions = list(response.survey.questions.order_by("position", "id"))
        made = answers_from_given(questions, response.answers_given, response.pk)
        answers += made
        items += [i for i in feedback_items(response, made) if i.text.strip()]
    return _answer_rows(answers), _item_rows(items)


def test_the_expansion_writes_what_the_answers_make_in_python(deferred, alice, surveys):
    submitted = _submit_all(surveys, alice)
    assert take_in_pending() == submitted  # Response rows, not expanded
    expected_answers, expected_items = _expected()

    assert expand_responses() == submitted

    assert _answer_rows(list(Answer.objects.all())) == expected_answers
    assert _item_rows(list(FeedbackItem.objects.all())) == expected_items
    assert len(expected_items) == 5  # the blank comment and the blank open text make none


def test_the_expansion_announces_each_new_item_once(
    deferred, alice, surveys, django_capture_on_commit_callbacks
):
    announced: list[int] = []

    def listen(sender, item_ids, **kwargs):
        announced.extend(item_ids)

    feedback_recorded.connect(listen)
    try:
        _submit_all(surveys, alice)
        with django_capture_on_commit_callbacks(execute=True):
            expand_responses()
            expand_responses()  # nothing left: announces nothing
    finally:
        feedback_recorded.disconnect(listen)
    assert sorted(announced) == sorted(FeedbackItem.objects.values_list("pk", flat=True))
