"""Published surveys as the answer path reads them: the survey and its questions, cached per
process.

Answering reads the same rows for every response: the survey, its questions. Each process keeps
them once loaded, keyed by public id, and checks them where it matters, in the statement that
stores a response: `unchanged(survey)` is the condition of that insert, "this survey is still
published and not saved since". Every change that matters to answers saves the survey (publish,
close, settings; the questions of a published survey cannot change), so an answer checked
against an outdated entry is never stored: the caller reloads the survey and answers again
(`answering.submit_response`), and a survey closed meanwhile refuses it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connections, router
from django.http import Http404

from earful.core.rows import Condition
from earful.surveys.models import Question, Survey, SurveyStatus
from earful.surveys.validation import QuestionSpec

MAX_ENTRIES = 2000  # surveys kept per process; the cache starts over past that


@dataclass(frozen=True)
class Entry:
    survey: Survey  # shared by the requests of this process: read, never changed
    questions: tuple[Question, ...]
    specs: tuple[QuestionSpec, ...]
    keys: frozenset[str]  # the questions' keys


_by_public_id: dict[str, Entry] = {}
_by_pk: dict[int, Entry] = {}


def _spec(question: Question) -> QuestionSpec:
    from earful.surveys.services.building import spec_of  # services import this module

    return spec_of(question)


def _remember(survey: Survey) -> Entry:
    questions = tuple(Question.objects.filter(survey_id=survey.pk).order_by("position", "id"))
    specs = tuple(_spec(q) for q in questions)
    entry = Entry(survey, questions, specs, frozenset(q.key for q in questions))
    if len(_by_pk) >= MAX_ENTRIES:
        forget_all()
    forget(survey)
    _by_public_id[survey.public_id] = _by_pk[survey.pk] = entry
    return entry


def published_entry(public_id: str) -> Entry:
    """The published survey with this public id and its questions; 404 for any other. From
    the cache when there (see the module: the insert of an answer checks it)."""
    entry = _by_public_id.get(public_id)
    if entry is None:
        survey = Survey.objects.filter(public_id=public_id, status=SurveyStatus.PUBLISHED).first()
        if survey is None:
            raise Http404
        entry = _remember(survey)
    return entry


def entry_of(survey: Survey) -> Entry:
    """The entry of a survey the caller loaded (the HTML form, imports), by its version."""
    entry = _by_pk.get(survey.pk)
    if entry is None or _version(entry.survey) != _version(survey):
        # A copy: the caller may go on changing its own instance.
        entry = _remember(copy.copy(survey))
    return entry


def _version(survey: Survey) -> tuple[Any, ...]:
    return (survey.pk, survey.public_id, survey.status, survey.updated_at)


@cache
def _unchanged_sql(using: str) -> str:
    quote = connections[using].ops.quote_name
    id_, status, updated_at = (quote(name) for name in ("id", "status", "updated_at"))
    return (
        f"EXISTS (SELECT 1 FROM {quote(Survey._meta.db_table)} "
        f"WHERE {id_} = %s AND {status} = %s AND {updated_at} = %s)"
    )


_conditions: dict[tuple[str, int, Any], Condition] = {}


def unchanged(survey: Survey) -> Condition:
    """SQL true while the survey is stored published and as saved when `survey` was read."""
    using = router.db_for_write(Survey)
    key = (using, survey.pk, survey.updated_at)
    found = _conditions.get(key)
    if found is None:
        if len(_conditions) >= MAX_ENTRIES:
            _conditions.clear()
        field = Survey._meta.get_field("updated_at")
        stamp = field.get_db_prep_value(survey.updated_at, connections[using])  # type: ignore[union-attr]
        found = _conditions[key] = (
            _unchanged_sql(using),
            [survey.pk, SurveyStatus.PUBLISHED.value, stamp],
        )
    return found[0], list(found[1])


def forget(survey: Survey) -> None:
    """Drops the survey's entry: the next answer loads it again."""
    entry = _by_pk.pop(survey.pk, None)
    _by_public_id.pop(survey.public_id, None)
    if entry is not None:
        _by_public_id.pop(entry.survey.public_id, None)


def forget_all() -> None:
    _by_public_id.clear()
    _by_pk.clear()
    _conditions.clear()
