"""Updating a response question by question: merge, count edits, add time, maybe finish.

The merge works on the response's `answers_given`, the record of its answers. A response whose
Answer rows are not written yet (see `expanding`) needs nothing more: the expander writes them
from the merged answers. Once they are written, the changed ones are rewritten here, with their
feedback items, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from earful.core.rows import insert_rows, select_rows, update_row, write_lock
from earful.core.text import invalid_reason
from earful.feedback.models import Channel, FeedbackItem
from earful.feedback.services import record_feedback
from earful.surveys import selectors
from earful.surveys.models import Answer, Question, Response, ResponseUpdate
from earful.surveys.published import entry_of, published_entry
from earful.surveys.services.answering import Submission, refuse_if_invalid
from earful.surveys.services.building import SurveyInvalid
from earful.surveys.services.expanding import take_in_pending
from earful.surveys.services.merging import (
    derive,
    feedback_items,
    merge_given,
    put_value,
    said,
    source_key,
)
from earful.surveys.validation import (
    MAX_TEXT,
    PROBE_KEY,
    check_required,
    check_timings,
    check_values,
)


def _check_update(
    response: Response, answers: Mapping[str, Any], finish: bool
) -> list[tuple[str, str]]:
    specs = entry_of(response.survey).specs
    errors = check_values(specs, answers)
    if finish and not errors:
        errors = check_required(specs, {**response.answers_given, **answers})
    return errors


def _check_probe(response: Response, probe: Any) -> list[tuple[str, str]]:
    if probe is None:
        return []
    if not response.probe_trigger:
        return [(f"answers.{PROBE_KEY}", "no follow-up question was asked")]
    if not isinstance(probe, str) or len(probe) > MAX_TEXT:
        return [(f"answers.{PROBE_KEY}", f"must be text of at most {MAX_TEXT} characters")]
    reason = invalid_reason(probe)  # a NUL or a lone surrogate (core.text)
    return [(f"answers.{PROBE_KEY}", reason)] if reason else []


def _answer_probe(response: Response, probe: str | None) -> int:
    """Stores the follow-up's answer and its feedback item; returns 1 when it was an edit."""
    if probe is None or not probe.strip():
        return 0
    edit = int(bool(response.probe_answer) and response.probe_answer != probe.strip())
    response.probe_answer = probe.strip()
    key = source_key(response, PROBE_KEY)
    item = FeedbackItem(
        organization_id=response.organization_id,
        channel=Channel.SURVEY,
        source_key=key,
        customer_id=response.customer_id,
        text=response.probe_answer,
        score=response.score,
        received_at=timezone.now(),
    )
    record_feedback(items=[item])
    if edit:
        FeedbackItem.objects.filter(
            organization_id=response.organization_id, source_key=key
        ).update(text=item.text, analyzed_at=None)
    return edit


def _part(question: Question, given: Mapping[str, Any]) -> tuple[Any, Any]:
    return given.get(question.key), given.get(question.comment_key)


def _rewrite_answers(
    response: Response, changed: Sequence[Question], given: Mapping[str, Any]
) -> list[Answer]:
    """The changed questions' Answer rows as `given` has them; returns those still answered."""
    stored = {a.question_id: a for a in Answer.objects.filter(response=response)}
    kept, gone = [], []
    for question in changed:
        answer = stored.get(question.pk) or Answer(response=response)
        answer.question = question
        if _part(question, given) == (None, None):
            gone += [answer.pk] if answer.pk else []
            continue
        put_value(question, answer, given.get(question.key))
        answer.comment = given.get(question.comment_key, "")
        answer.save()
        kept.append(answer)
    Answer.objects.filter(pk__in=gone).delete()
    return kept


def _rewrite_rows(
    response: Response, questions: Sequence[Question], before: Mapping[str, Any]
) -> None:
    """An expanded response: changed answers rewrite their Answer rows and feedback items
    (new words are recorded, edited ones replace theirs, cleared ones go)."""
    given = response.answers_given
    changed = [q for q in questions if _part(q, before) != _part(q, given)]
    if not changed:
        return
    kept = _rewrite_answers(response, changed, given)
    scope = FeedbackItem.objects.filter(organization_id=response.organization_id)
    silent = [source_key(response, q.key) for q in changed if not said(q, given)]
    if silent:
        scope.filter(source_key__in=silent).delete()
    items = feedback_items(response, kept)
    record_feedback(items=items)
    for item in items:  # a stored item takes the new words (no-op when just recorded)
        scope.filter(source_key=item.source_key).exclude(text=item.text).update(
            text=item.text, score=item.score, analyzed_at=None
        )


def _update(
    given: Response,
    key: str,
    answers: dict[str, Any],
    timings: Mapping[str, int],
    finished: bool,
    *,
    locked: bool = False,
) -> Submission:
    response = given if locked else _read_locked(given)
    if not insert_rows([ResponseUpdate(response=response, key=key)], unique=("response", "key")):
        return Submission(response, created=False)  # applied before (rolled back if refused)
    questions = entry_of(response.survey).questions
    probe = answers.pop(PROBE_KEY, None)
    finish = finished and not response.is_finished
    refuse_if_invalid(
        _check_update(response, answers, finish)
        + _check_probe(response, probe)
        + check_timings({q.key for q in questions} | {PROBE_KEY}, timings)
    )
    before = response.answers_given
    response.answers_given, edits = merge_given(questions, before, answers)
    response.edits += edits + _answer_probe(response, probe)
    for question_key, ms in timings.items():
        response.timings[question_key] = response.timings.get(question_key, 0) + ms
    if finish:
        response.finished_at = timezone.now()
    derive(response, response.survey, questions, response.answers_given)
    update_row(response)  # as save(), in SQL built once (no receiver of save's signals)
    if response.expanded_at is not None:
        _rewrite_rows(response, questions, before)
    return Submission(response, created=True)


def _read_locked(given: Response) -> Response:
    """The response read again, locked for this transaction, with the survey as the caller
    read it (the survey's row never locks here)."""
    found = select_rows(Response, '"id" = %s', [given.pk], lock=True)
    if not found:
        raise Response.DoesNotExist
    found[0].survey = given.survey
    return found[0]


def response_to_update(public_id: str, response_id: str, *, lock: bool = False) -> Response:
    """`selectors.public_response`, for a response that may be only taken in yet (its first
    answer just accepted, its Response row not written): the survey's answers taken in are
    stored first. 404 as the selector. `lock`: read locked, for the caller's transaction."""
    try:
        return selectors.public_response(public_id, response_id, lock=lock)
    except Http404:
        take_in_pending(survey=published_entry(public_id).survey)
    return selectors.public_response(public_id, response_id, lock=lock)


def _clean_key(key: str) -> str:
    key = key.strip()[:200]
    if not key:
        raise SurveyInvalid([("Idempotency-Key", "send a key with every update")])
    return key


def update_response(
    *,
    response: Response,
    key: str,
    answers: Mapping[str, Any],
    timings: Mapping[str, int] | None = None,
    finished: bool = False,
) -> Submission:
    """Merges answers into a response, adds time spent, counts edits, and may finish it.

    Idempotent on `key`: an update already applied returns the response unchanged."""
    key = _clean_key(key)
    with write_lock(), transaction.atomic():
        return _update(response, key, dict(answers), dict(timings or {}), finished)


def update_public_response(
    *,
    public_id: str,
    response_id: str,
    key: str,
    answers: Mapping[str, Any],
    timings: Mapping[str, int] | None = None,
    finished: bool = False,
) -> Submission:
    """`response_to_update`, then `update_response`, in one transaction: the survey form
    sends an update per question, often of a response only taken in, which is taken in and
    updated with one commit. 404 as `response_to_update`; then as `update_response`."""
    with write_lock(), transaction.atomic():
        response = response_to_update(public_id, response_id, lock=True)
        key = _clean_key(key)
        return _update(response, key, dict(answers), dict(timings or {}), finished, locked=True)
