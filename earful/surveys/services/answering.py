"""Taking answers: a response is created at the first answer, then updated question by question.

Creation is idempotent on the response's client key (`Response.idempotency_key`); every later
update is idempotent on its own client key (`ResponseUpdate`), so a retried update never counts
an edit or a second twice."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from earful.customers.selectors import customer_by_external_id
from earful.feedback.models import Channel, FeedbackItem
from earful.feedback.services import record_feedback
from earful.surveys.models import (
    Answer,
    PrizeDrawEntry,
    Question,
    Response,
    ResponseIdentity,
    ResponseUpdate,
    Survey,
)
from earful.surveys.probing import probe_trigger
from earful.surveys.scoring import QuestionType, tier_for
from earful.surveys.services.building import SurveyInvalid, spec_of
from earful.surveys.trust import respondent_code
from earful.surveys.validation import (
    MAX_TEXT,
    PROBE_KEY,
    check_answers,
    check_required,
    check_timings,
    check_values,
    is_empty,
)


@dataclass(frozen=True)
class Submission:
    response: Response
    created: bool  # False when the key was seen before and nothing was applied


@dataclass
class _Merge:
    """What one batch of answers changed on a response."""

    edits: int = 0
    touched: list[Answer] = field(default_factory=list)
    cleared: list[Answer] = field(default_factory=list)


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    return None if is_empty(value) else value


def _stored_value(question: Question, answer: Answer | None) -> Any:
    if answer is None:
        return None
    if question.is_score:
        return answer.number
    if question.type == QuestionType.MULTI_CHOICE:
        return answer.choices or None
    return answer.text or None


def _put_value(question: Question, answer: Answer, value: Any) -> None:
    if question.is_score:
        answer.number = value
    elif question.type == QuestionType.MULTI_CHOICE:
        answer.choices = value
    else:
        answer.text = value or ""


def _merge_question(
    question: Question, answer: Answer | None, answers: Mapping[str, Any]
) -> tuple[Answer, int]:
    """The question's answer with the given values applied, and how many of them were edits."""
    answer = answer or Answer(question=question)
    edits = 0
    if question.key in answers:
        old, new = _stored_value(question, answer), _normal(answers[question.key])
        edits += old is not None and old != new
        _put_value(question, answer, new)
    if question.comment and question.comment_key in answers:
        new_comment = (answers[question.comment_key] or "").strip()
        edits += bool(answer.comment) and answer.comment != new_comment
        answer.comment = new_comment
    return answer, edits


def _merge(
    response: Response,
    questions: Sequence[Question],
    stored: dict[int, Answer],
    answers: Mapping[str, Any],
) -> _Merge:
    """Applies `answers` onto `stored` (by question id) in memory; returns what changed."""
    merge = _Merge()
    for question in questions:
        if question.key not in answers and question.comment_key not in answers:
            continue
        answer, edits = _merge_question(question, stored.get(question.pk), answers)
        answer.response = response
        merge.edits += edits
        if _stored_value(question, answer) is None and not answer.comment:
            stored.pop(question.pk, None)
            if answer.pk:
                merge.cleared.append(answer)
            continue
        stored[question.pk] = answer
        merge.touched.append(answer)
    return merge


def _words(answer: Answer) -> str:
    return answer.comment or (answer.text if answer.question.type == QuestionType.TEXT else "")


def _source_key(response: Response, part: str) -> str:
    return f"survey-response:{response.uid}:{part}"


def _sync_feedback(response: Response, merge: _Merge, *, fresh: bool) -> None:
    """New words become feedback items; edited words update theirs; cleared words go away."""
    gone = [_source_key(response, a.question.key) for a in merge.cleared if a.pk]
    gone += [_source_key(response, a.question.key) for a in merge.touched if not _words(a)]
    scope = FeedbackItem.objects.filter(organization_id=response.organization_id)
    if gone:
        scope.filter(source_key__in=gone).delete()
    items = [
        FeedbackItem(
            organization_id=response.organization_id,
            channel=Channel.SURVEY,
            source_key=_source_key(response, answer.question.key),
            customer_id=response.customer_id,
            text=_words(answer),
            score=answer.number if answer.number is not None else response.score,
            received_at=response.submitted_at,
        )
        for answer in merge.touched
        if _words(answer)
    ]
    record_feedback(items=items)
    for item in (
        [] if fresh else items
    ):  # an edit: the stored item takes the new words (no-op when just created)
        scope.filter(source_key=item.source_key).exclude(text=item.text).update(
            text=item.text, score=item.score, analyzed_at=None
        )


def _headline(kind: str, answers: Iterable[Answer]) -> tuple[int | None, str]:
    """The first answered question of the survey's score kind gives the score and tier."""
    scores = sorted(
        (a.question.position, a.number)
        for a in answers
        if a.question.type == kind and a.number is not None
    )
    return (scores[0][1], tier_for(kind, scores[0][1])) if scores else (None, "")


def _write(response: Response, stored: dict[int, Answer], merge: _Merge, *, fresh: bool) -> None:
    """Saves the merged answers and the response's derived fields (score, tier, drop-off)."""
    if merge.cleared:
        Answer.objects.filter(pk__in=[a.pk for a in merge.cleared]).delete()
    for answer in merge.touched:
        answer.save()
    response.score, response.tier = _headline(response.survey.score_kind, stored.values())
    positions = [a.question.position for a in stored.values()]
    response.furthest_position = max(positions) if positions else None
    if not response.probe_trigger:
        words = " ".join(_words(a) for a in stored.values())
        trigger = probe_trigger(
            response.survey.score_kind, response.score, words, response.timings, response.edits
        )
        response.probe_trigger = trigger or ""
    response.save()
    _sync_feedback(response, merge, fresh=fresh)


def _add_timings(response: Response, timings: Mapping[str, int]) -> None:
    for key, ms in timings.items():
        response.timings[key] = response.timings.get(key, 0) + ms


def _refuse_if_invalid(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise SurveyInvalid(errors)


def _identify(*, survey: Survey, customer_ref: str) -> dict[str, Any]:
    """The identity fields stored on the response itself, by the survey's trust mode."""
    ref = customer_ref.strip()[:200]
    if survey.is_trustee:
        return {"customer": None, "customer_ref": "", "respondent_code": ""}
    if survey.keeps_identity_apart:
        code = respondent_code(survey.organization_id, ref)
        return {"customer": None, "customer_ref": "", "respondent_code": code}
    customer = customer_by_external_id(survey.organization_id, ref)
    return {"customer": customer, "customer_ref": ref}


def _keep_identity_apart(response: Response, customer_ref: str) -> None:
    """Pseudonymous and trustee surveys keep who answered in its own row, never shown."""
    ref = customer_ref.strip()[:200]
    if response.survey.keeps_identity_apart and ref:
        customer = customer_by_external_id(response.organization_id, ref)
        ResponseIdentity.objects.create(response=response, customer=customer, customer_ref=ref)


def _enter_prize_draw(survey: Survey, customer_ref: str) -> None:
    """Every respondent who opts in is entered, whatever they answered."""
    ref = customer_ref.strip()[:200]
    PrizeDrawEntry.objects.create(
        organization_id=survey.organization_id,
        survey=survey,
        customer=customer_by_external_id(survey.organization_id, ref),
        customer_ref=ref,
    )


def _store_new(
    survey: Survey,
    questions: Sequence[Question],
    answers: Mapping[str, Any],
    fields: dict[str, Any],
    customer_ref: str,
) -> Response:
    response = Response.objects.create(
        organization_id=survey.organization_id,
        survey=survey,
        **fields,
        **_identify(survey=survey, customer_ref=customer_ref),
    )
    _keep_identity_apart(response, customer_ref)
    by_question: dict[int, Answer] = {}
    _write(response, by_question, _merge(response, questions, by_question, answers), fresh=True)
    return response


def submit_response(
    *,
    survey: Survey,
    answers: Mapping[str, Any],
    key: str = "",
    customer_ref: str = "",
    channel: str = "link",
    submitted_at: datetime | None = None,
    finished: bool = True,
    timings: Mapping[str, int] | None = None,
    prize_draw: bool = False,
) -> Submission:
    """Creates a response from its first answers (all of them when `finished`).

    Idempotent on `key`: a retry returns the stored response and changes nothing."""
    key = key.strip()[:200] or uuid.uuid4().hex
    stored = Response.objects.filter(survey=survey, idempotency_key=key).first()
    if stored is not None:
        return Submission(stored, created=False)
    if not survey.is_published:
        raise SurveyInvalid([("survey", "this survey is not accepting answers")])
    questions = list(survey.questions.all())
    timings = dict(timings or {})
    _refuse_if_invalid(
        check_answers([spec_of(q) for q in questions], answers, finished=finished)
        + check_timings({q.key for q in questions}, timings)
    )
    moment = submitted_at or timezone.now()
    fields = {"idempotency_key": key, "channel": channel, "submitted_at": moment}
    fields |= {"finished_at": moment if finished else None, "timings": timings}
    try:
        with transaction.atomic():
            response = _store_new(survey, questions, answers, fields, customer_ref)
            if prize_draw and survey.prize_draw:
                _enter_prize_draw(survey, customer_ref)
    except IntegrityError:
        stored = Response.objects.filter(survey=survey, idempotency_key=key).first()
        if stored is None:
            raise
        return Submission(stored, created=False)
    return Submission(response, created=True)


def _check_update(
    response: Response, questions: Sequence[Question], answers: Mapping[str, Any], finish: bool
) -> list[tuple[str, str]]:
    specs = [spec_of(q) for q in questions]
    errors = check_values(specs, answers)
    if finish and not errors:
        stored = {a.question.key: _stored_value(a.question, a) for a in response.answers.all()}
        errors = check_required(specs, {**stored, **answers})
    return errors


def _check_probe(response: Response, probe: Any) -> list[tuple[str, str]]:
    if probe is None:
        return []
    if not response.probe_trigger:
        return [(f"answers.{PROBE_KEY}", "no follow-up question was asked")]
    if not isinstance(probe, str) or len(probe) > MAX_TEXT:
        return [(f"answers.{PROBE_KEY}", f"must be text of at most {MAX_TEXT} characters")]
    return []


def _answer_probe(response: Response, probe: str | None) -> int:
    """Stores the follow-up's answer and its feedback item; returns 1 when it was an edit."""
    if probe is None or not probe.strip():
        return 0
    edit = int(bool(response.probe_answer) and response.probe_answer != probe.strip())
    response.probe_answer = probe.strip()
    key = _source_key(response, PROBE_KEY)
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


@transaction.atomic
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
    key = key.strip()[:200]
    if not key:
        raise SurveyInvalid([("Idempotency-Key", "send a key with every update")])
    response = Response.objects.select_for_update().select_related("survey").get(pk=response.pk)
    if ResponseUpdate.objects.filter(response=response, key=key).exists():
        return Submission(response, created=False)
    questions = list(response.survey.questions.all())
    timings = dict(timings or {})
    answers = dict(answers)
    probe = answers.pop(PROBE_KEY, None)
    finish = finished and not response.is_finished
    _refuse_if_invalid(
        _check_update(response, questions, answers, finish)
        + _check_probe(response, probe)
        + check_timings({q.key for q in questions} | {PROBE_KEY}, timings)
    )
    stored = {a.question_id: a for a in response.answers.select_related("question")}
    merge = _merge(response, questions, stored, answers)
    response.edits += merge.edits + _answer_probe(response, probe)
    _add_timings(response, timings)
    if finish:
        response.finished_at = timezone.now()
    _write(response, stored, merge, fresh=False)
    ResponseUpdate.objects.create(response=response, key=key)
    return Submission(response, created=True)
