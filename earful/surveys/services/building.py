"""Writes for surveys: build, edit, publish and close."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.surveys.models import (
    MAX_PUBLISHED_QUESTIONS,
    Question,
    Survey,
    SurveyStatus,
    TrustMode,
)
from earful.surveys.validation import FieldErrors, QuestionSpec, check_questions


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
    probe_text: str = "",
    trust_mode: str = TrustMode.IDENTIFIED,
    prize_draw: bool = False,
) -> Survey:
    if not title.strip():
        raise SurveyInvalid([("title", "required")])
    survey = Survey.objects.create(
        organization=organization,
        title=title.strip(),
        created_by=created_by,
        probe_text=probe_text.strip(),
        trust_mode=trust_mode,
        prize_draw=prize_draw,
    )
    _replace_questions(survey, questions)
    return survey


def _update_settings(
    survey: Survey, *, probe_text: str | None, trust_mode: str | None, prize_draw: bool | None
) -> None:
    if trust_mode is not None and trust_mode != survey.trust_mode:
        if survey.status != SurveyStatus.DRAFT:
            message = "the trust mode is set before publishing: respondents answered under it"
            raise SurveyInvalid([("trust_mode", message)])
        survey.trust_mode = trust_mode
    if probe_text is not None:
        survey.probe_text = probe_text.strip()
    if prize_draw is not None:
        survey.prize_draw = prize_draw
    survey.save(update_fields=["trust_mode", "probe_text", "prize_draw", "updated_at"])


@transaction.atomic
def update_survey(
    *,
    survey: Survey,
    title: str | None = None,
    questions: Sequence[QuestionSpec] | None = None,
    probe_text: str | None = None,
    trust_mode: str | None = None,
    prize_draw: bool | None = None,
) -> Survey:
    _update_settings(survey, probe_text=probe_text, trust_mode=trust_mode, prize_draw=prize_draw)
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
