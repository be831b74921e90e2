"""Answers in memory: merging given values into a response's `answers_given`, what follows
from them (score, tier, drop-off, follow-up question), and the Answer rows and feedback items
they make. Nothing here touches the database; `answering`, `updating` and `expanding` write
what it builds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from earful.core.rows import build
from earful.feedback.models import Channel, FeedbackItem
from earful.surveys.models import Answer, Question, Response, Survey
from earful.surveys.probing import probe_trigger
from earful.surveys.scoring import QuestionType, tier_for
from earful.surveys.validation import is_empty


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    return None if is_empty(value) else value


def put_value(question: Question, answer: Answer, value: Any) -> None:
    if question.is_score:
        answer.number = value
    elif question.type == QuestionType.MULTI_CHOICE:
        answer.choices = value
    else:
        answer.text = value or ""


def merge_given(
    questions: Sequence[Question], given: Mapping[str, Any], answers: Mapping[str, Any]
) -> tuple[dict[str, Any], int]:
    """`given` (a response's `answers_given`) with `answers` applied, and how many of them
    changed an answer given before. Texts are stripped; an empty value clears the answer.

    `answers_given` keeps every answer by question key and each comment under
    `<key>_comment`, in question order, leaving out the empty ones."""
    merged, edits = dict(given), 0
    for question in questions:
        if question.key in answers:
            old, new = merged.get(question.key), _normal(answers[question.key])
            edits += old is not None and old != new
            merged[question.key] = new
        if question.comment and question.comment_key in answers:
            old, new = merged.get(question.comment_key), answers[question.comment_key] or ""
            edits += bool(old) and old != new.strip()
            merged[question.comment_key] = new.strip() or None
    ordered = (key for q in questions for key in (q.key, q.comment_key))
    return {key: merged[key] for key in ordered if merged.get(key) is not None}, edits


def answers_from_given(
    questions: Sequence[Question], given: Mapping[str, Any], response_id: int
) -> list[Answer]:
    """The Answer rows of a response's `answers_given` (the inverse of `answers_given`). The
    expansion writes the same rows set-wise in SQL (`expanding`); a test holds the two equal."""
    answers = []
    for question in questions:
        value = given.get(question.key)
        comment = given.get(question.comment_key, "") if question.comment else ""
        if value is None and not comment:
            continue
        answer = build(Answer, response_id=response_id, question=question, comment=comment)
        put_value(question, answer, value)
        answers.append(answer)
    return answers


def words(answer: Answer) -> str:
    return answer.comment or (answer.text if answer.question.type == QuestionType.TEXT else "")


def source_key(response: Response, part: str) -> str:
    return f"survey-response:{response.uid}:{part}"


def feedback_items(response: Response, answers: Iterable[Answer]) -> list[FeedbackItem]:
    """The customer's words in these answers, one feedback item per answer that has some."""
    return [
        build(
            FeedbackItem,
            organization_id=response.organization_id,
            channel=Channel.SURVEY,
            source_key=source_key(response, answer.question.key),
            customer_id=response.customer_id,
            text=words(answer),
            score=answer.number if answer.number is not None else response.score,
            received_at=response.submitted_at,
        )
        for answer in answers
        if words(answer)
    ]


def said(question: Question, given: Mapping[str, Any]) -> str:
    """The words of one answer: its comment, or an open question's text (as `words`)."""
    text = given.get(question.key, "") if question.type == QuestionType.TEXT else ""
    return given.get(question.comment_key, "") or text


def derive(
    response: Response, survey: Survey, questions: Sequence[Question], given: Mapping[str, Any]
) -> None:
    """The response's fields that follow from its answers (`answers_given`): score, tier,
    drop-off position, follow-up question."""
    kind = survey.score_kind
    scored = [q for q in questions if q.type == kind and given.get(q.key) is not None]
    first = min(scored, key=lambda q: q.position, default=None)
    score = given[first.key] if first else None
    response.score, response.tier = score, (tier_for(kind, score) if score is not None else "")
    answered = [q.position for q in questions if q.key in given or q.comment_key in given]
    response.furthest_position = max(answered) if answered else None
    if not response.probe_trigger:
        words_said = " ".join(filter(None, (said(q, given) for q in questions)))
        trigger = probe_trigger(kind, response.score, words_said, response.timings, response.edits)
        response.probe_trigger = trigger or ""
