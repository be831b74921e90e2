"""Taking answers: a response is created at the first answer, then updated question by question.

Creation is idempotent on the response's client key (`Response.idempotency_key`); every later
update (`updating`) is idempotent on its own client key (`ResponseUpdate`), so a retried update
never counts an edit or a second twice.

Creation is the hot path (docs/dev/architecture.md, "Answers: the hot path"): the survey and its
questions come from the per-process cache of `surveys.published`; everything that follows from
the answers (score, tier, drop-off position, follow-up question) is computed in memory; then one
statement keeps the response, answers included (`answers_given`), as its intake row, and doubles
as the idempotency check. Its Response row, Answer rows and feedback items are written right
after, in batches (`expanding`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from earful.core.ids import time_ordered_uuid
from earful.core.rows import Condition, build, insert_rows, insert_values, json_row, write_lock
from earful.customers.models import Customer
from earful.customers.selectors import customer_by_external_id
from earful.surveys.models import Intake, PrizeDrawEntry, Response, ResponseIdentity, Survey
from earful.surveys.published import entry_of, forget, unchanged
from earful.surveys.services.building import SurveyInvalid
from earful.surveys.services.expanding import request_expansion, take_in_pending
from earful.surveys.services.merging import derive, merge_given
from earful.surveys.signals import response_submitted
from earful.surveys.trust import respondent_code
from earful.surveys.validation import check_answers, check_timings

NOT_ACCEPTING = "this survey is not accepting answers"


@dataclass(frozen=True)
class Submission:
    response: Response
    created: bool  # False when the key was seen before and nothing was applied


def refuse_if_invalid(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise SurveyInvalid(errors)


@dataclass(frozen=True)
class _Respondent:
    """Who answers, as far as anyone knows: the external id given with the answer and the
    customer it names, or the customer of the invitation link the answer came through."""

    ref: str = ""
    customer: Customer | None = None

    @classmethod
    def of(cls, survey: Survey, ref: str, customer: Customer | None) -> _Respondent:
        ref = ref.strip()[:200]
        if customer is None and ref:
            customer = customer_by_external_id(survey.organization_id, ref)
        elif customer is not None and not ref:
            ref = customer.external_id
        return cls(ref, customer)

    @property
    def code_source(self) -> str:
        """What a pseudonymous survey's respondent code is made from."""
        if self.ref or self.customer is None:
            return self.ref
        return f"customer:{self.customer.pk}"


def _identify(survey: Survey, who: _Respondent) -> dict[str, Any]:
    """The identity fields stored on the response itself, by the survey's trust mode."""
    if survey.is_trustee:
        return {"customer": None, "customer_ref": "", "respondent_code": ""}
    if survey.keeps_identity_apart:
        code = respondent_code(survey.organization_id, who.code_source)
        return {"customer": None, "customer_ref": "", "respondent_code": code}
    return {"customer": who.customer, "customer_ref": who.ref}


def _keep_identity_apart(response: Response, who: _Respondent) -> None:
    """Pseudonymous and trustee surveys keep who answered in its own row, never shown."""
    if _keeps_identity(response.survey, who):
        ResponseIdentity.objects.create(
            response=response, customer=who.customer, customer_ref=who.ref
        )


def _enter_prize_draw(survey: Survey, who: _Respondent) -> None:
    """Every respondent who opts in is entered, whatever they answered."""
    PrizeDrawEntry.objects.create(
        organization_id=survey.organization_id,
        survey=survey,
        customer=who.customer,
        customer_ref=who.ref,
    )


def _keeps_identity(survey: Survey, who: _Respondent) -> bool:
    return survey.keeps_identity_apart and bool(who.ref or who.customer)


@cache
def _not_stored_sql(using: str) -> str:
    quote = connections[using].ops.quote_name
    table = quote(Response._meta.db_table)
    return f"NOT EXISTS (SELECT 1 FROM {table} WHERE survey_id = %s AND idempotency_key = %s)"


def _keep_in_intake(response: Response, where: Condition) -> Response | None:
    """Keeps a new response as its intake row, one narrow row (the answer's durable record,
    the expansion stores its Response row), where the survey is as it was read and its key is
    neither taken in nor stored; None, keeping nothing, otherwise."""
    using = router.db_for_write(Intake)
    key = [response.survey_id, response.idempotency_key]
    where = (f"{where[0]} AND {_not_stored_sql(using)}", where[1] + key)
    row = [*key, json_row(response)]  # Intake's columns: survey, idempotency_key, row
    if not insert_values(Intake, row, unique=("survey", "idempotency_key"), where=where):
        return None
    if not request_expansion():
        return response
    # Expanded at once (where tasks run at once): the response as stored.
    return _stored(response.survey, response.idempotency_key)


def _store_new(
    response: Response, who: _Respondent, *, prize_draw: bool, invitation_id: int | None
) -> Response | None:
    """Stores a new response; returns it, or None, storing nothing, when its key is taken
    already (a retry, even one running at the same moment: the unique keys decide) or the
    survey changed since it was read (`published.unchanged`).

    Most answers are kept as their intake row (`_keep_in_intake`), the Response row written by the
    expansion. One that needs its Response row at once is stored whole here, in one
    statement: with an identity kept apart or a prize-draw entry (those rows in the same
    transaction), or come through an invitation (marked answered once committed)."""
    survey = response.survey
    unique, where = ("survey", "idempotency_key"), unchanged(survey)
    with_rows = prize_draw or _keeps_identity(survey, who)  # rows that need the response's id
    if not with_rows and invitation_id is None:
        return _keep_in_intake(response, where)
    if with_rows:
        with write_lock(), transaction.atomic():
            if not insert_rows([response], unique=unique, where=where):
                return None
            _keep_identity_apart(response, who)
            if prize_draw:
                _enter_prize_draw(survey, who)
    elif not insert_rows([response], unique=unique, where=where):
        return None
    transaction.on_commit(
        lambda: response_submitted.send(
            sender=Response, response_id=response.pk, invitation_id=invitation_id
        )
    )
    # Not on commit: the task's row commits (or rolls back) with the response, and where tasks
    # run at once the expansion reads the response on this same connection.
    request_expansion()
    return response


def _stored(survey: Survey, key: str) -> Response | None:
    """The response stored under `key`; one only taken in is stored first."""
    stored = Response.objects.filter(survey=survey, idempotency_key=key).first()
    if stored is None and Intake.objects.filter(survey=survey, idempotency_key=key).exists():
        take_in_pending(survey=survey)
        stored = Response.objects.filter(survey=survey, idempotency_key=key).first()
    if stored is not None:
        stored.survey = survey
    return stored


def _new_response(survey: Survey, fields: dict[str, Any], who: _Respondent) -> Response:
    """The response, in memory, with its answers and every field they decide."""
    answers = fields.pop("answers")
    response = build(
        Response,
        organization_id=survey.organization_id,
        survey=survey,
        **fields,
        **_identify(survey, who),
    )
    questions = entry_of(survey).questions
    response.answers_given = merge_given(questions, {}, answers)[0]
    derive(response, survey, questions, response.answers_given)
    return response


def _new_response_errors(
    survey: Survey, answers: Mapping[str, Any], timings: Mapping[str, Any], finished: bool
) -> list[tuple[str, str]]:
    if not survey.is_published:
        return [("survey", NOT_ACCEPTING)]
    entry = entry_of(survey)
    return check_answers(entry.specs, answers, finished=finished) + check_timings(
        entry.keys, timings
    )


@dataclass(frozen=True)
class _Answering:
    """One call of `submit_response`, its arguments cleaned."""

    answers: Mapping[str, Any]
    key: str
    customer_ref: str
    customer: Customer | None
    invitation_id: int | None
    fields: dict[str, Any]  # the response's own: channel, times, timings
    finished: bool
    prize_draw: bool


def _submit(survey: Survey, given: _Answering, *, attempts: int = 2) -> Submission:
    errors = _new_response_errors(survey, given.answers, given.fields["timings"], given.finished)
    stored = _stored(survey, given.key) if errors else None  # a retry of an accepted answer
    if stored is not None:
        return Submission(stored, created=False)
    refuse_if_invalid(errors)
    who = _Respondent.of(survey, given.customer_ref, given.customer)
    response = _new_response(survey, given.fields | {"answers": given.answers}, who)
    enter = given.prize_draw and survey.prize_draw
    stored = _store_new(response, who, prize_draw=enter, invitation_id=given.invitation_id)
    if stored is not None:
        return Submission(stored, created=True)
    stored = _stored(survey, given.key)
    if stored is not None:
        return Submission(stored, created=False)
    # Neither stored nor found: the survey changed since it was read (closed, edited). Answer
    # the survey as it is now.
    forget(survey)
    fresh = Survey.objects.filter(pk=survey.pk).first()
    if fresh is None or attempts <= 1:
        raise SurveyInvalid([("survey", NOT_ACCEPTING)])
    return _submit(fresh, given, attempts=attempts - 1)


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
    customer: Customer | None = None,
    invitation_id: int | None = None,
) -> Submission:
    """Creates a response from its first answers (all of them when `finished`).

    `customer_ref` is the customer's external id as given with the answer; `customer` the
    customer an invitation link names (its signed `ref`), `invitation_id` that invitation,
    passed on with `response_submitted` once the response is committed.

    Idempotent on `key`: a retry returns the stored response and changes nothing."""
    moment = submitted_at or timezone.now()
    fields = {"channel": channel, "submitted_at": moment, "timings": dict(timings or {})}
    fields |= {"finished_at": moment if finished else None}
    key = key.strip()[:200] or time_ordered_uuid().hex
    given = _Answering(
        answers,
        key,
        customer_ref,
        customer,
        invitation_id,
        fields | {"idempotency_key": key},
        finished,
        prize_draw,
    )
    return _submit(survey, given)
