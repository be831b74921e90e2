"""Writes for surveys: build, publish, and take answers (idempotent on a client key)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.customers.selectors import customer_by_external_id
from earful.feedback.models import Channel, FeedbackItem
from earful.feedback.services import record_feedback
from earful.surveys.models import (
    MAX_PUBLISHED_QUESTIONS,
    Answer,
    Question,
    Response,
    Survey,
    SurveyStatus,
)
from earful.surveys.scoring import tier_for
from earful.surveys.validation import FieldErrors, QuestionSpec, check_answers, check_questions


class SurveyInvalid(ValueError):
    """A change or an answer was refused; `errors` names each field and why."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


def spec_of(question: Question) -> QuestionSpec:
    return QuestionSpec(
        key=question.key,
        type=question.type,
        text=question.text,
        comment=question.comment,
        comment_prompt=question.comment_prompt,
        required=question.required,
        choices=list(question.choices or []),
    )


def _replace_questions(survey: Survey, specs: Sequence[QuestionSpec]) -> None:
    errors = check_questions(specs)
    if errors:
        raise SurveyInvalid(errors)
    survey.questions.all().delete()
    Question.objects.bulk_create(
        Question(survey=survey, position=i, **spec.__dict__) for i, spec in enumerate(specs)
    )


@transaction.atomic
def create_survey(
    *,
    organization: Organization,
    title: str,
    questions: Sequence[QuestionSpec] = (),
    created_by: Member | None = None,
) -> Survey:
    if not title.strip():
        raise SurveyInvalid([("title", "required")])
    survey = Survey.objects.create(
        organization=organization, title=title.strip(), created_by=created_by
    )
    _replace_questions(survey, questions)
    return survey


@transaction.atomic
def update_survey(
    *, survey: Survey, title: str | None = None, questions: Sequence[QuestionSpec] | None = None
) -> Survey:
    if title is not None:
        if not title.strip():
            raise SurveyInvalid([("title", "required")])
        survey.title = title.strip()
        survey.save(update_fields=["title", "updated_at"])
    if questions is not None:
        if survey.status != SurveyStatus.DRAFT:
            message = "a published survey's questions cannot change: answers depend on them"
            raise SurveyInvalid([("questions", message)])
        _replace_questions(survey, questions)
    return survey


def add_question(*, survey: Survey, spec: QuestionSpec) -> Survey:
    specs = [spec_of(q) for q in survey.questions.all()]
    return update_survey(survey=survey, questions=[*specs, spec])


def remove_question(*, survey: Survey, key: str) -> Survey:
    specs = [spec_of(q) for q in survey.questions.all() if q.key != key]
    return update_survey(survey=survey, questions=specs)


def publish_errors(questions: Sequence[Question]) -> FieldErrors:
    count = len(questions)
    if count == 0:
        return [("questions", "add at least one question before publishing")]
    if count > MAX_PUBLISHED_QUESTIONS:
        return [
            (
                "questions",
                f"this survey has {count} questions; a published survey may have at most "
                f"{MAX_PUBLISHED_QUESTIONS}, because every extra question costs answers. "
                "Remove some, or move them to a second survey.",
            )
        ]
    return []


@transaction.atomic
def publish_survey(*, survey: Survey, published_at: datetime | None = None) -> Survey:
    """Opens the public link. Refuses (with the reason) surveys that are empty or too long.

    `published_at` backdates the first publication (imports of past surveys, the demo)."""
    questions = list(survey.questions.all())
    errors = publish_errors(questions)
    if errors:
        raise SurveyInvalid(errors)
    if survey.status != SurveyStatus.PUBLISHED:
        headline = next((q for q in questions if q.is_score), None)
        survey.score_kind = headline.type if headline else ""
        survey.status = SurveyStatus.PUBLISHED
        survey.published_at = survey.published_at or published_at or timezone.now()
        survey.save(update_fields=["status", "score_kind", "published_at", "updated_at"])
    return survey


def close_survey(*, survey: Survey) -> Survey:
    survey.status = SurveyStatus.CLOSED
    survey.save(update_fields=["status", "updated_at"])
    return survey


@dataclass(frozen=True)
class Submission:
    response: Response
    created: bool


def _answer_rows(questions: Sequence[Question], answers: Mapping[str, Any]) -> list[Answer]:
    rows = []
    for question in questions:
        value = answers.get(question.key)
        comment = (answers.get(question.comment_key) or "").strip() if question.comment else ""
        if value in (None, "", []) and not comment:
            continue
        answer = Answer(question=question, comment=comment)
        if question.is_score:
            answer.number = value
        elif isinstance(value, list):
            answer.choices = value
        else:
            answer.text = (value or "").strip()
        rows.append(answer)
    return rows


def _feedback_rows(response: Response, answers: Sequence[Answer]) -> list[FeedbackItem]:
    items = []
    for answer in answers:
        words = answer.comment or (answer.text if answer.question.type == "text" else "")
        if not words:
            continue
        items.append(
            FeedbackItem(
                organization_id=response.organization_id,
                channel=Channel.SURVEY,
                source_key=f"survey-response:{response.uid}:{answer.question.key}",
                customer_id=response.customer_id,
                text=words,
                score=answer.number if answer.number is not None else response.score,
                received_at=response.submitted_at,
            )
        )
    return items


def _headline(survey: Survey, answers: Sequence[Answer]) -> tuple[int | None, str]:
    for answer in answers:
        if answer.question.type == survey.score_kind and answer.number is not None:
            return answer.number, tier_for(survey.score_kind, answer.number)
    return None, ""


def submit_response(
    *,
    survey: Survey,
    answers: Mapping[str, Any],
    key: str = "",
    customer_ref: str = "",
    channel: str = "link",
    submitted_at: datetime | None = None,
) -> Submission:
    """Validates and stores one response. Idempotent on `key`: a retry returns the stored one."""
    key = key.strip()[:200] or uuid.uuid4().hex
    stored = Response.objects.filter(survey=survey, idempotency_key=key).first()
    if stored is not None:
        return Submission(stored, created=False)
    if not survey.is_published:
        raise SurveyInvalid([("survey", "this survey is not accepting answers")])
    questions = list(survey.questions.all())
    errors = check_answers([spec_of(q) for q in questions], answers)
    if errors:
        raise SurveyInvalid(errors)
    rows = _answer_rows(questions, answers)
    score, tier = _headline(survey, rows)
    customer = customer_by_external_id(survey.organization_id, customer_ref.strip())
    try:
        with transaction.atomic():
            response = Response.objects.create(
                organization_id=survey.organization_id,
                survey=survey,
                customer=customer,
                customer_ref=customer_ref.strip()[:200],
                idempotency_key=key,
                channel=channel,
                submitted_at=submitted_at or timezone.now(),
                score=score,
                tier=tier,
            )
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            record_feedback(items=_feedback_rows(response, rows))
    except IntegrityError:
        stored = Response.objects.filter(survey=survey, idempotency_key=key).first()
        if stored is None:
            raise
        return Submission(stored, created=False)
    return Submission(response, created=True)
