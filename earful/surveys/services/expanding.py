"""Expanding accepted responses: writing their Answer rows and feedback items.

A new response is accepted with one statement, the insert of its row, which carries the
answers in `answers_given` (see `answering`): that row is the durable record, committed before
the customer hears back. Its Answer rows (what dashboards group by question) and feedback items
(what enrichment reads) are written afterwards, many responses per transaction, by
`expand_responses`. The row stays `expanded_at IS NULL` until then, so nothing is lost:

- each process enqueues the `expand_answers` task at most every EXPAND_EVERY seconds while
  answers arrive, and the task expands everything pending (a sweep, not one response);
- `earful expand-answers` runs the same sweep, once or every N seconds (cron, or a task lost);
- anything that reads Answer rows of a response first expands what is pending: an update of
  the response (`update_response`), the dashboards (`expand_responses(survey=...)`).

Where tasks run at once (tests, `ImmediateBackend`), every accepted response is expanded at
once: there is no worker whose work could be batched.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend

from earful.core.rows import PreparedRows, prepare_rows, write_lock
from earful.feedback.models import FeedbackItem
from earful.feedback.services import Recording, prepare_feedback
from earful.surveys.models import Answer, Response, Survey
from earful.surveys.published import questions_of
from earful.surveys.services.merging import answers_from_given, feedback_items

BATCH = 100  # responses per transaction: a few ms of write lock, so answers keep flowing
EXPAND_EVERY = 1.0  # seconds between two tasks enqueued by one process

_last_enqueued = -EXPAND_EVERY


class _Pending(NamedTuple):
    """The columns of a response its expansion reads."""

    pk: int
    organization_id: int
    uid: Any
    customer_id: int | None
    score: int | None
    submitted_at: Any
    answers_given: dict[str, Any]
    updated_at: Any  # an update of the answers changes it: they must be read again
    survey_id: int
    public_id: str


_COLUMNS = (*_Pending._fields[:-1], "survey__public_id")


@dataclass
class _Rows:
    answers: list[Answer]
    items: list[FeedbackItem]
    updated_at: Any  # the response's, when its answers were read


def _rows_of(response: _Pending) -> _Rows:
    """The Answer rows and feedback items a response's `answers_given` make."""
    questions = questions_of(response.survey_id, response.public_id)
    answers = answers_from_given(questions, response.answers_given, response.pk)
    return _Rows(answers, feedback_items(response, answers), response.updated_at)


def _prepared(rows: dict[int, _Rows], pks: Sequence[int]) -> tuple[PreparedRows, Recording]:
    answers = [a for pk in pks for a in rows[pk].answers]
    items = [i for pk in pks for i in rows[pk].items]
    return prepare_rows(answers, unique=("response", "question")), prepare_feedback(items=items)


def _write(rows: dict[int, _Rows]) -> int:
    """Writes the rows of the responses still not expanded; returns how many it expanded.

    Everything is prepared before the transaction, so SQLite's write lock is held only while
    the rows go in. Inside, the responses are claimed (`select_for_update`, skipping those an
    update holds): one another expander did meanwhile is left out, and one updated since its
    answers were read is read again."""
    answers, feedback = _prepared(rows, list(rows))
    with write_lock(), transaction.atomic():
        claimed = dict(
            Response.objects.select_for_update(skip_locked=True)
            .filter(pk__in=rows, expanded_at__isnull=True)
            .values_list("pk", "updated_at")
        )
        changed = [pk for pk, stamp in claimed.items() if stamp != rows[pk].updated_at]
        if changed:
            rows |= {r.pk: _rows_of(r) for r in _pending(None, 0, pks=changed)}
        if changed or len(claimed) < len(rows):  # rare: prepare again, inside the lock
            answers, feedback = _prepared(rows, list(claimed))
        answers.write()
        feedback.record()
        Response.objects.filter(pk__in=claimed).update(expanded_at=timezone.now())
    return len(claimed)


def _pending(survey: Survey | None, after: int, pks: Sequence[int] | None = None) -> list[_Pending]:
    pending = Response.objects.filter(expanded_at__isnull=True, pk__gt=after)
    if survey is not None:
        pending = pending.filter(survey=survey)
    if pks is not None:
        pending = pending.filter(pk__in=pks)
    return [_Pending(*row) for row in pending.order_by("id").values_list(*_COLUMNS)[:BATCH]]


def expand_responses(*, survey: Survey | None = None) -> int:
    """Expands every response not expanded yet (of `survey` only, when given), BATCH per
    transaction; returns how many. Idempotent, safe to run in many processes at once."""
    done = after = 0
    while batch := _pending(survey, after):
        done += _write({r.pk: _rows_of(r) for r in batch})
        after = batch[-1].pk
    return done


def request_expansion() -> None:
    """Asks for the responses just accepted to be expanded: by the worker, one task per
    process every EXPAND_EVERY seconds at most, or at once where tasks run at once."""
    global _last_enqueued
    from earful.surveys.tasks import expand_answers  # tasks call services, not the reverse

    if not isinstance(expand_answers.get_backend(), ImmediateBackend):
        now = time.monotonic()
        if now - _last_enqueued < EXPAND_EVERY:
            return
        _last_enqueued = now
    expand_answers.enqueue()
