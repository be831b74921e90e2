"""Expanding accepted responses: writing their Response rows, Answer rows and feedback items.

A new response is accepted with one statement (see `answering`): the insert of its intake row
(`Intake`), which holds the Response row's values, committed before the customer hears back.
Its Response row, its Answer rows (what dashboards group by question) and its feedback items
(what enrichment reads) are written afterwards, many responses per transaction, by
`expand_responses`, which deletes the intake rows in the same transaction. A response stored
whole at once (a prize draw, an identity kept apart, an invitation) stays `expanded_at IS NULL`
until its rows are written. Nothing is lost:

- each process enqueues the `expand_answers` task at most every EXPAND_EVERY seconds while
  answers arrive, and the task expands everything pending (a sweep, not one response);
- `earful expand-answers` runs the same sweep, once or every N seconds (cron, or a task lost);
- anything that needs a response's rows first writes what is pending: an update or a retry of
  a response only taken in (`take_in_pending`), the dashboards (`expand_responses(survey=...)`).

Where tasks run at once (tests, `ImmediateBackend`), every accepted response is expanded at
once: there is no worker whose work could be batched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, partial

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Field, ForeignKey, Manager, QuerySet
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task

from earful.core.rows import checkpoint, select_json_row, write_lock
from earful.feedback.models import Channel
from earful.feedback.services import announce_feedback, record_feedback_selected
from earful.surveys.models import Answer, Intake, Question, Response, Survey
from earful.surveys.scoring import SCORE_TYPES, QuestionType
from earful.surveys.signals import response_submitted

# Responses per transaction. Each one writes at least a page of every index it touches, so
# larger ones cost less per answer (measured alone: 45 us at 50, 27 us at 250) and, with
# fewer of them, answers wait less on the write lock overall (bench/answer_endpoint.py).
BATCH = 500
EXPAND_EVERY = 1.0  # seconds between two tasks enqueued by one process
PAUSE = 0.005  # seconds the background sweep leaves the write lock free between two batches

_last_enqueued = -EXPAND_EVERY


# The expansion is set-wise SQL: the Answer rows come from `answers_given` joined with the
# survey's questions, the feedback items from those Answer rows, a statement each per batch.
# Building Python objects per row cost several times what the database takes to store them.
# What it writes is what `merging.answers_from_given` and `merging.feedback_items` make from
# the same answers (tests/test_expansion.py holds them equal, every question type, on both
# databases). Question keys are [a-z0-9_] (validation), safe inside a JSON path.


def _json(vendor: str) -> dict[str, str]:
    """SQL for one answer by question key, `{key}` an SQL expression of the key: its JSON value
    as the column it goes to (number, text, choices), and whether it is there."""
    if vendor == "postgresql":
        return {
            "number": 'CAST(r."answers_given" ->> ({key}) AS smallint)',
            "text": '(r."answers_given" ->> ({key}))',
            "choices": '(r."answers_given" -> ({key}))',
            "given": '((r."answers_given" -> ({key})) IS NOT NULL)',
        }
    path = "'$.\"' || {key} || '\"'"
    return {
        "number": f'json_extract(r."answers_given", {path})',
        "text": f'json_extract(r."answers_given", {path})',
        "choices": f'json_extract(r."answers_given", {path})',
        "given": f'(json_type(r."answers_given", {path}) IS NOT NULL)',
    }


def _tables(using: str) -> dict[str, str]:
    quote = connections[using].ops.quote_name
    models = {
        "answers": Answer,
        "intake": Intake,
        "questions": Question,
        "responses": Response,
        "surveys": Survey,
    }
    return {name: quote(model._meta.db_table) for name, model in models.items()}


@cache
def _answers_sql(using: str) -> str:
    json, table = _json(connections[using].vendor), _tables(using)
    value = {part: sql.format(key='q."key"') for part, sql in json.items()}
    comment = json["text"].format(key="q.\"key\" || '_comment'")
    scores = ", ".join(f"'{kind}'" for kind in sorted(SCORE_TYPES))
    multi = f"'{QuestionType.MULTI_CHOICE.value}'"
    return (
        f"INSERT INTO {table['answers']} "
        '("response_id", "question_id", "number", "text", "choices", "comment") '
        'SELECT r."id", q."id", '
        f'CASE WHEN q."type" IN ({scores}) THEN {value["number"]} END, '
        f"CASE WHEN q.\"type\" IN ({scores}, {multi}) THEN '' "
        f"ELSE COALESCE({value['text']}, '') END, "
        f'CASE WHEN q."type" = {multi} THEN {value["choices"]} END, '
        f"CASE WHEN q.\"comment\" THEN COALESCE({comment}, '') ELSE '' END "
        f"FROM {table['responses']} r "
        f'JOIN {table["questions"]} q ON q."survey_id" = r."survey_id" '
        'WHERE r."id" IN ({ids}) '
        f"AND ({value['given']} OR (q.\"comment\" AND COALESCE({comment}, '') <> '')) "
        'ON CONFLICT ("response_id", "question_id") DO NOTHING'
    )


def _uid_text(vendor: str) -> str:
    """The response's uid as `str(uuid)` writes it (SQLite keeps 32 hex digits)."""
    if vendor == "postgresql":
        return 'CAST(r."uid" AS text)'
    parts = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    return " || '-' || ".join(f'substr(r."uid", {at}, {length})' for at, length in parts)


@cache
def _words_sql(using: str) -> str:
    """The feedback items of the batch's Answer rows: one per answer with words (its comment,
    or an open question's text), as `merging.feedback_items` makes them."""
    table = _tables(using)
    words = (
        'CASE WHEN a."comment" <> \'\' THEN a."comment" '
        f"WHEN q.\"type\" = '{QuestionType.TEXT.value}' THEN a.\"text\" ELSE '' END"
    )
    return (
        f'SELECT r."organization_id" AS organization_id, '
        f"'{Channel.SURVEY.value}' AS channel, "
        f"'survey-response:' || {_uid_text(connections[using].vendor)} || ':' || q.\"key\" "
        "AS source_key, "
        'r."customer_id" AS customer_id, '
        f"{words} AS text, "
        'COALESCE(a."number", r."score") AS score, r."submitted_at" AS received_at '
        f'FROM {table["answers"]} a JOIN {table["questions"]} q ON q."id" = a."question_id" '
        f'JOIN {table["responses"]} r ON r."id" = a."response_id" '
        'WHERE a."response_id" IN ({ids}) AND ' + f"({words}) <> ''"
    )


def _response_value(field: Field, value: str, using: str) -> str:
    """The SQL of one column of a Response row taken in: as kept, but stamped as expanded (it
    is, in the same transaction), of the survey's organization, and without a customer
    deleted meanwhile (as `on_delete=SET_NULL` would have left it)."""
    if field.name == "expanded_at":
        return "%s"
    if field.name == "organization":
        return 's."organization_id"'
    if isinstance(field, ForeignKey) and field.null:
        target = field.related_model._meta  # type: ignore[union-attr]
        quote = connections[using].ops.quote_name
        key = quote(target.pk.column)  # type: ignore[union-attr]
        return f"(SELECT t.{key} FROM {quote(target.db_table)} t WHERE t.{key} = {value})"
    return value


@cache
def _take_in_sql(using: str) -> str:
    """Writes the Response rows of intake rows `{ids}` (the survey's still there), skipping
    a key stored already; returns the new rows' ids. Parameters: the expansion's time, ids."""
    connection, table = connections[using], _tables(using)
    parts = select_json_row(Response, 'i."row"', using)
    columns = ", ".join(connection.ops.quote_name(field.column) for field, _ in parts)
    values = ", ".join(_response_value(field, value, using) for field, value in parts)
    row = 'CAST("row" AS jsonb)' if connection.vendor == "postgresql" else '"row"'
    return (
        f"INSERT INTO {table['responses']} ({columns}) SELECT {values} "
        f'FROM (SELECT "id", "survey_id", {row} AS "row" FROM {table["intake"]} '
        'WHERE "id" IN ({ids})) i '
        f'JOIN {table["surveys"]} s ON s."id" = i."survey_id" '
        'WHERE true ORDER BY i."id" '  # WHERE: SQLite reads ON CONFLICT as the join's ON else
        'ON CONFLICT ("survey_id", "idempotency_key") DO NOTHING RETURNING "id"'
    )


def _write_rows(using: str, pks: Sequence[int]) -> list[int]:
    """The Answer rows and feedback items of responses `pks`; returns the items' ids."""
    ids = ", ".join(["%s"] * len(pks))
    with connections[using].cursor() as cursor:
        cursor.execute(_answers_sql(using).format(ids=ids), list(pks))
    return record_feedback_selected(_words_sql(using).format(ids=ids), list(pks), announce=False)


@contextmanager
def _transaction(using: str) -> Iterator[None]:
    """One batch's transaction, after SQLite's write lock (`core.rows.write_lock`).

    On PostgreSQL its commit does not wait for its WAL to reach the disk
    (`synchronous_commit`), which every answer's commit waits for behind it. Safe for what the
    expansion writes: a crash can only undo a whole recent transaction, intake rows included,
    and the next sweep writes it again. Only its own transaction: one it runs inside (an
    update taking in its response) keeps waiting for the disk, as that update's caller was
    promised. SQLite's commits never wait for the disk here (`synchronous=NORMAL` in WAL
    mode)."""
    connection = connections[using]
    own = not connection.in_atomic_block
    with write_lock(using), transaction.atomic(using=using):
        if own and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _claim(using: str, pks: Sequence[int], *, skip_locked: bool) -> list[int]:
    """The intake rows among `pks` this transaction may take in. On SQLite, all: its write
    transaction excludes every other writer, and a row gone meanwhile is simply not found by
    the insert. Elsewhere, those still there, locked (skipping the ones another expansion
    holds, with `skip_locked`; waiting for them otherwise)."""
    if connections[using].vendor == "sqlite":
        return list(pks)
    ids = ", ".join(["%s"] * len(pks))
    skip = " SKIP LOCKED" if skip_locked else ""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f'SELECT "id" FROM {_tables(using)["intake"]} WHERE "id" IN ({ids}) '
            f'ORDER BY "id" FOR UPDATE{skip}',
            list(pks),
        )
        return [row[0] for row in cursor.fetchall()]


def _take_in(pks: Sequence[int], *, expand: bool) -> tuple[int, list[int]]:
    """Turns intake rows `pks` into their Response rows and deletes them; with `expand`, also
    writes their Answer rows and feedback items. Returns how many responses were written and
    the ids of their feedback items (announced by the caller). Rows another process is taking
    in are left to the sweep, waited for by a reader (it needs them written when this
    returns); a key stored meanwhile is not stored twice. The responses are announced once
    committed, after the write lock is let go (answers wait for it)."""
    using = router.db_for_write(Response)
    with _transaction(using):
        claimed = _claim(using, pks, skip_locked=expand)
        if not claimed:
            return 0, []
        ids = ", ".join(["%s"] * len(claimed))
        expanded_at = timezone.now() if expand else None
        with connections[using].cursor() as cursor:
            cursor.execute(_take_in_sql(using).format(ids=ids), [expanded_at, *claimed])
            written = [row[0] for row in cursor.fetchall()]
            cursor.execute(f'DELETE FROM {_tables(using)["intake"]} WHERE "id" IN ({ids})', claimed)
        items = _write_rows(using, written) if expand and written else []
    _once_committed(using, partial(_announce_responses, written))
    return len(written), items


def _once_committed(using: str, callback: Callable[[], None]) -> None:
    """Runs `callback` now, or when the transaction this runs in commits."""
    if connections[using].in_atomic_block:
        transaction.on_commit(callback, using=using)
    else:
        callback()


def take_in_pending(*, survey: Survey | None = None) -> int:
    """Writes the Response rows of every answer taken in (of `survey` only, when given), not
    expanded: for a reader that needs the row now (an update, a retry); the sweep expands
    them. Returns how many."""
    return sum(_take_in(batch, expand=False)[0] for batch in _intake_batches(survey))


def _announce_responses(pks: Sequence[int]) -> None:
    for pk in pks:  # taken in through the answer endpoint: never an invitation's answer
        response_submitted.send(sender=Response, response_id=pk, invitation_id=None)


def _expand(pks: Sequence[int]) -> tuple[int, list[int]]:
    """Writes the rows of the responses among `pks` still not expanded; returns how many, and
    the ids of the feedback items it recorded (announced by the caller).

    The responses are claimed first (`select_for_update`, skipping those an update holds):
    one that another expander did meanwhile is left out. Their answers are read inside the
    transaction, so an update that committed before is always seen."""
    using = router.db_for_write(Response)
    with _transaction(using):
        claimed = list(
            Response.objects.select_for_update(skip_locked=True)
            .filter(pk__in=pks, expanded_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not claimed:
            return 0, []
        items = _write_rows(using, claimed)
        Response.objects.filter(pk__in=claimed).update(expanded_at=timezone.now())
    return len(claimed), items


def _walk(fetch: Callable[[int], list[int]]) -> Iterator[list[int]]:
    """Batches of ids in order, `fetch(after)` giving the next BATCH after an id; a short
    batch is the last (rows that come later go to the next sweep)."""
    after = 0
    while batch := fetch(after):
        yield batch
        if len(batch) < BATCH:
            return
        after = batch[-1]


def _batches(pending: Manager | QuerySet, survey: Survey | None) -> Iterator[list[int]]:
    """The ids of `pending` rows (of `survey` only, when given), BATCH at a time, in order."""
    if survey is not None:
        pending = pending.filter(survey=survey)
    ordered = pending.order_by("id").values_list("pk", flat=True)
    return _walk(lambda after: list(ordered.filter(pk__gt=after)[:BATCH]))


def _intake_batches(survey: Survey | None) -> Iterator[list[int]]:
    """`_batches` of the intake rows, in SQL built once: an update of an answer just taken in
    runs this first (`take_in_pending`), and the ORM compiled the query on every call."""
    using = router.db_for_write(Intake)
    where = '"id" > %s' + (' AND "survey_id" = %s' if survey is not None else "")
    sql = f'SELECT "id" FROM {_tables(using)["intake"]} WHERE {where} ORDER BY "id" LIMIT {BATCH}'
    scope = [] if survey is None else [survey.pk]

    def fetch(after: int) -> list[int]:
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [after, *scope])
            return [row[0] for row in cursor.fetchall()]

    return _walk(fetch)


def expand_responses(*, survey: Survey | None = None, pause: float = 0.0) -> int:
    """Expands every response not expanded yet (of `survey` only, when given), BATCH per
    transaction; returns how many. Idempotent, safe to run in many processes at once. With
    `pause` (the background sweep: PAUSE), it leaves the write lock free that many seconds
    between two batches, for the answers waiting on it.

    What follows the writes runs after the last batch, outside SQLite's write lock, which
    answers wait for: the checkpoint of the write-ahead log, and one announcement of the new
    feedback items (so enrichment and alerts get a task per sweep, not per batch)."""
    done = 0
    items: list[int] = []
    steps = (  # answers taken in, then responses stored whole at once
        (_intake_batches(survey), partial(_take_in, expand=True)),
        (_batches(Response.objects.filter(expanded_at__isnull=True), survey), _expand),
    )
    for batches, write in steps:
        for batch in batches:
            written, recorded = write(batch)
            done, items = done + written, items + recorded
            if pause:
                time.sleep(pause)
    if done:
        checkpoint()
        announce_feedback(items)
    return done


def request_expansion() -> bool:
    """Asks for the responses just accepted to be expanded: by the worker, one task per
    process every EXPAND_EVERY seconds at most, or at once where tasks run at once (then
    True: they are expanded when this returns)."""
    global _last_enqueued
    at_once = _tasks_run_at_once()
    if not at_once:
        now = time.monotonic()
        if now - _last_enqueued < EXPAND_EVERY:
            return False
        _last_enqueued = now
    _expand_task().enqueue()
    return at_once


def _expand_task() -> Task[[], int]:
    from earful.surveys.tasks import expand_answers  # tasks call services, not the reverse

    return expand_answers


_at_once: tuple[object, bool] = (None, False)  # (settings.TASKS, whether tasks run at once)


def _tasks_run_at_once() -> bool:
    """Whether the task backend runs tasks at once; asked of it once per TASKS setting (a
    test that changes the setting gets a new dict), not on every answer."""
    global _at_once
    tasks = settings.TASKS
    if _at_once[0] is not tasks:
        _at_once = (tasks, isinstance(_expand_task().get_backend(), ImmediateBackend))
    return _at_once[1]
