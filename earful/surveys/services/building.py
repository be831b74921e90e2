"""Writes for surveys: build, edit, translate, publish and close."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.surveys.languages import normalize_language
from earful.surveys.models import (
    MAX_PUBLISHED_QUESTIONS,
    Question,
    Survey,
    SurveyStatus,
    TrustMode,
)
from earful.surveys.validation import (
    FieldErrors,
    QuestionSpec,
    check_languages,
    check_questions,
    check_translations,
    clean_translations,
    missing_translations,
)


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
        translations=dict(question.translations or {}),
    )


def _replace_questions(survey: Survey, specs: Sequence[QuestionSpec]) -> None:
    errors = check_questions(specs)
    if errors:
        raise SurveyInvalid(errors)
    survey.questions.all().delete()
    Question.objects.bulk_create(
        Question(survey=survey, position=i, **spec.__dict__) for i, spec in enumerate(specs)
    )


def _retranslate_questions(survey: Survey, specs: Sequence[QuestionSpec]) -> None:
    """A published survey's questions stay as they are; only their translations may change."""
    stored = list(survey.questions.all())
    if [replace(spec_of(q), translations={}) for q in stored] != [
        replace(s, translations={}) for s in specs
    ]:
        message = (
            "a published survey's questions cannot change: answers depend on them "
            "(their translations can)"
        )
        raise SurveyInvalid([("questions", message)])
    for question, spec in zip(stored, specs, strict=True):
        question.translations = spec.translations
    Question.objects.bulk_update(stored, ["translations"])


def _declared_languages(
    survey: Survey, default_language: str | None, languages: Sequence[str] | None
) -> tuple[str, list[str]]:
    """The default language and every declared one, normalized, the default first."""
    default = (
        survey.default_language
        if default_language is None
        else normalize_language(default_language)
    )
    declared = (
        survey.spoken_languages
        if languages is None
        else [normalize_language(code) for code in languages]
    )
    return default, [default, *(code for code in declared if code != default)]


def _wording_plan(
    survey: Survey,
    *,
    default_language: str | None,
    languages: Sequence[str] | None,
    translations: Mapping[str, Any] | None,
    questions: Sequence[QuestionSpec] | None,
) -> tuple[str, list[str], dict[str, Any], list[QuestionSpec]]:
    """The survey's languages and wording after the change, checked. Stored translations of a
    language no longer declared are dropped; given ones are checked as given."""
    default, declared = _declared_languages(survey, default_language, languages)
    if translations is None:
        wording = {k: v for k, v in survey.translations.items() if k in declared}
    else:
        wording = clean_translations(translations)
    if questions is None:
        specs = [spec_of(q) for q in survey.questions.all()]
        for spec in specs:
            spec.translations = {k: v for k, v in spec.translations.items() if k in declared}
    else:
        specs = [replace(s, translations=clean_translations(s.translations)) for s in questions]
    errors = [] if questions is None else check_questions(specs)
    errors += check_languages(default, declared) or check_translations(
        specs, wording, default=default, languages=declared
    )
    if not errors and survey.status != SurveyStatus.DRAFT:
        errors = missing_translations(specs, default=default, languages=declared)
    if errors:
        raise SurveyInvalid(errors)
    return default, declared, wording, specs


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
    intro: str = "",
    thank_you: str = "",
    default_language: str = "en",
    languages: Sequence[str] = (),
    translations: Mapping[str, Any] | None = None,
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
        intro=intro.strip(),
        thank_you=thank_you.strip(),
    )
    _update_wording(
        survey,
        default_language=default_language,
        languages=languages,
        translations=translations or {},
        questions=questions,
    )
    return survey


def _update_settings(survey: Survey, *, trust_mode: str | None, texts: Mapping[str, Any]) -> None:
    """Trust mode (drafts only), prize draw and the default language's texts; None: unchanged."""
    if trust_mode is not None and trust_mode != survey.trust_mode:
        if survey.status != SurveyStatus.DRAFT:
            message = "the trust mode is set before publishing: respondents answered under it"
            raise SurveyInvalid([("trust_mode", message)])
        survey.trust_mode = trust_mode
    for name, value in texts.items():
        if value is not None:
            setattr(survey, name, value.strip() if isinstance(value, str) else value)
    if not survey.title:
        raise SurveyInvalid([("title", "required")])
    fields = ["trust_mode", "title", "probe_text", "prize_draw", "intro", "thank_you"]
    survey.save(update_fields=[*fields, "updated_at"])


def _update_wording(
    survey: Survey,
    *,
    default_language: str | None,
    languages: Sequence[str] | None,
    translations: Mapping[str, Any] | None,
    questions: Sequence[QuestionSpec] | None,
) -> None:
    """Languages, translations and questions, checked together: they depend on each other."""
    default, declared, wording, specs = _wording_plan(
        survey,
        default_language=default_language,
        languages=languages,
        translations=translations,
        questions=questions,
    )
    if survey.status == SurveyStatus.DRAFT and questions is not None:
        _replace_questions(survey, specs)
    else:
        _retranslate_questions(survey, specs)
    survey.default_language, survey.languages, survey.translations = default, declared, wording
    survey.save(update_fields=["default_language", "languages", "translations", "updated_at"])


@transaction.atomic
def update_survey(
    *,
    survey: Survey,
    title: str | None = None,
    questions: Sequence[QuestionSpec] | None = None,
    probe_text: str | None = None,
    trust_mode: str | None = None,
    prize_draw: bool | None = None,
    intro: str | None = None,
    thank_you: str | None = None,
    default_language: str | None = None,
    languages: Sequence[str] | None = None,
    translations: Mapping[str, Any] | None = None,
) -> Survey:
    """Changes what is given (None: unchanged). A published survey keeps its questions and trust
    mode; its wording and languages may change while every language stays complete."""
    texts = {"title": title, "probe_text": probe_text, "prize_draw": prize_draw}
    texts |= {"intro": intro, "thank_you": thank_you}
    _update_settings(survey, trust_mode=trust_mode, texts=texts)
    _update_wording(
        survey,
        default_language=default_language,
        languages=languages,
        translations=translations,
        questions=questions,
    )
    survey.refresh_from_db()
    return survey


def translate_survey(
    *,
    survey: Survey,
    language: str,
    wording: Mapping[str, str],
    questions: Mapping[str, Mapping[str, Any]],
) -> Survey:
    """Sets one language's whole wording: the survey's texts and each question's (by key).
    What is left out or blank falls back to the default language. Declares the language."""
    code = normalize_language(language)
    survey_translations = {**survey.translations, code: dict(wording)}
    specs = [spec_of(q) for q in survey.questions.all()]
    for spec in specs:
        spec.translations = {**spec.translations, code: dict(questions.get(spec.key) or {})}
    declared = survey.spoken_languages
    return update_survey(
        survey=survey,
        languages=declared if code in declared else [*declared, code],
        translations=survey_translations,
        questions=specs,
    )


def add_question(*, survey: Survey, spec: QuestionSpec) -> Survey:
    specs = [spec_of(q) for q in survey.questions.all()]
    return update_survey(survey=survey, questions=[*specs, spec])


def remove_question(*, survey: Survey, key: str) -> Survey:
    specs = [spec_of(q) for q in survey.questions.all() if q.key != key]
    return update_survey(survey=survey, questions=specs)


def publish_errors(survey: Survey, questions: Sequence[Question]) -> FieldErrors:
    """Why the survey cannot be published: no questions, too many, or a declared language
    lacking a question's text or choices."""
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
    specs = [spec_of(q) for q in questions]
    return missing_translations(
        specs, default=survey.default_language, languages=survey.spoken_languages
    )


@transaction.atomic
def publish_survey(*, survey: Survey, published_at: datetime | None = None) -> Survey:
    """Opens the public link. Refuses (with the reason) surveys that are empty or too long.

    `published_at` backdates the first publication (imports of past surveys, the demo)."""
    questions = list(survey.questions.all())
    errors = publish_errors(survey, questions)
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
