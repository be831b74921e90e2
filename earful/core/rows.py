"""Inserting model rows with SQL built once per process, for the one hot path where the ORM's
per-call query compilation costs more than the write itself: taking a customer's answer.

`insert_rows` writes the same columns the ORM would (defaults, `auto_now` stamps, each field's
own conversion for the backend), in one statement, optionally skipping rows that collide on a
unique constraint or writing a row only if a condition holds. It runs on SQLite and PostgreSQL
alike (`INSERT ... SELECT ... WHERE`, `ON CONFLICT ... DO NOTHING` and `RETURNING` exist in
both); the tests of the answer path run on both. Anything off the hot path uses the ORM.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from inspect import getattr_static
from typing import Any, TypeVar

from django.db import connections, router
from django.utils import timezone

try:
    import fcntl
except ImportError:  # not on Windows: SQLite's own waiting only
    fcntl = None  # type: ignore[assignment]
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    TextField,
    UUIDField,
)
from django.db.models.base import ModelState
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, post_save, pre_init, pre_save

from earful.core.memo import last_by_identity

Condition = tuple[str, list[Any]]  # SQL with %s placeholders, and its parameters
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Slot:
    field: Field
    relation: str | None  # the relation's name (`survey`) for a foreign key, else None
    target: str | None  # the attname of the field a foreign key points at (`id`)
    default: Callable[[], Any]


@cache
def _slots(model: type[Model]) -> tuple[_Slot, ...]:
    return tuple(
        _Slot(f, f.name, f.target_field.attname, f.get_default)
        if isinstance(f, ForeignKey)
        else _Slot(f, None, None, f.get_default)
        for f in model._meta.concrete_fields
    )


@cache
def _direct(model: type[Model]) -> tuple[str, ...] | None:
    """The attnames of `model`'s concrete fields, when `build` may fill a new instance's
    `__dict__` with them as `Model.__init__` would: nobody listens to its `pre_init` or
    `post_init` (receivers connect when apps load, before any answer) and each attname is a
    plain deferred attribute, which keeps its value in `__dict__`. None otherwise."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return None
    fields = model._meta.concrete_fields
    if not all(isinstance(getattr_static(model, f.attname), DeferredAttribute) for f in fields):
        return None
    return tuple(f.attname for f in fields)


@dataclass(frozen=True)
class _BuildPlan:
    """How `build` fills a new instance's `__dict__` directly (see `_direct`)."""

    attnames: frozenset[str]
    constants: dict[str, Any]  # attname -> a default that is no callable: shared, as Django does
    factories: tuple[tuple[str, Callable[[], Any]], ...]  # attname -> its callable default
    relations: dict[str, _Slot]  # a foreign key's name (`survey`) -> its slot


@cache
def _build_plan(model: type[Model]) -> _BuildPlan | None:
    attnames = _direct(model)
    if attnames is None:
        return None
    constants, factories = {}, []
    for slot in _slots(model):
        field = slot.field
        if field.has_default() and callable(field.default):
            factories.append((field.attname, field.default))  # what get_default calls
        else:
            constants[field.attname] = slot.default()
    relations = {slot.relation: slot for slot in _slots(model) if slot.relation is not None}
    return _BuildPlan(frozenset(attnames), constants, tuple(factories), relations)


def build(model: type[M], **values: Any) -> M:
    """`model(**values)`, an unsaved instance, made without `Model.__init__`'s per-field work
    (30 µs for a Response, where the keyword path takes 50), for the hot paths that make a row
    or many; a test holds the two equal. `values` name fields as the keyword form does: a
    column by attname (`survey_id`), a foreign key by name with its object."""
    plan = _build_plan(model)
    if plan is None:
        return _build_through_init(model, values)
    state, related = dict(plan.constants), []
    for name, value in values.items():
        slot = plan.relations.get(name)
        if slot is not None:
            attname = slot.field.attname
            if attname in values:
                raise TypeError(f"{model.__name__} got both {name} and {attname}")
            related.append((slot.field, value))
            state[attname] = None if value is None else getattr(value, slot.target)  # type: ignore[arg-type]
        elif name in plan.attnames:
            state[name] = value
        else:
            raise TypeError(f"{model.__name__} has no field {name}")
    for attname, default in plan.factories:
        if attname not in state:
            state[attname] = default()
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(state)
    for field, target in related:
        field.set_cached_value(instance, target)  # type: ignore[attr-defined]
    return instance


def _build_through_init(model: type[M], values: dict[str, Any]) -> M:
    """`build` for a model `_direct` turns down: its positional constructor."""
    args, related = [], []
    for slot in _slots(model):
        attname = slot.field.attname
        if attname in values:
            args.append(values.pop(attname))
        elif slot.relation is not None and slot.relation in values:
            target = values.pop(slot.relation)
            related.append((slot.field, target))
            args.append(None if target is None else getattr(target, slot.target))  # type: ignore[arg-type]
        else:
            args.append(slot.default())
    if values:
        raise TypeError(f"{model.__name__} has no field {', '.join(values)}")
    instance = model(*args)
    for field, target in related:
        field.set_cached_value(instance, target)  # type: ignore[attr-defined]
    return instance


def _fields(model: type[Model]) -> list[Field]:
    pk = model._meta.pk
    return [
        f
        for f in model._meta.concrete_fields
        if not (f is pk and getattr(f, "db_returning", False))  # the database numbers it
    ]


# Fields whose Python value (a str, int, bool or None here) every database adapter takes as it
# is: their `get_db_prep_save` only costs time. Every other field converts through it, or
# through a faster equivalent (`_adapter`).
_PLAIN = (BooleanField, CharField, IntegerField, TextField)

Adapt = Callable[[Any, BaseDatabaseWrapper], Any]  # (value, connection) -> the database's value


class _Context:
    """One `prepare_rows` call: its connection, and one `now` for every `auto_now` stamp (the
    ORM takes one per field)."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.now = timezone.now()


Prepare = Callable[[Model, _Context], Any]


def _plain(field: Field) -> bool:
    if isinstance(field, ForeignKey):
        return _plain(field.target_field)
    return isinstance(field, _PLAIN)


def _adapter(field: Field, vendor: str, native_uuid: bool) -> Adapt:
    """`field.get_db_prep_save(value, connection)`, faster for the values the hot path writes:
    a UTC datetime (what `timezone.now()` gives), a UUID, a dict or list for JSON. Anything
    else takes Django's own conversion (a test holds the two equal)."""

    def django(value: Any, connection: BaseDatabaseWrapper) -> Any:
        return field.get_db_prep_save(value, connection)

    if isinstance(field, DateTimeField) and vendor in ("sqlite", "postgresql"):
        as_text = vendor == "sqlite"  # SQLite stores the naive UTC time as text

        def adapt_datetime(value: Any, connection: BaseDatabaseWrapper) -> Any:
            if value is None:
                return None
            if type(value) is datetime and value.tzinfo is UTC:
                return _utc_text(value) if as_text else value
            return django(value, connection)

        return adapt_datetime
    if isinstance(field, UUIDField):

        def adapt_uuid(value: Any, connection: BaseDatabaseWrapper) -> Any:
            if type(value) is uuid.UUID:
                return value if native_uuid else value.hex
            return django(value, connection)

        return adapt_uuid
    if isinstance(field, JSONField) and vendor == "sqlite":
        encoder = field.encoder

        def adapt_json(value: Any, connection: BaseDatabaseWrapper) -> Any:
            if type(value) in (dict, list):
                try:  # plain JSON types: the encoder `json.dumps` makes once, the same text
                    return json.dumps(value)
                except TypeError:  # a value only the field's encoder knows
                    return json.dumps(value, cls=encoder)
            return django(value, connection)

        return adapt_json
    return django


@last_by_identity  # a row's times are often one moment: the stamps, the submission, the finish
def _utc_text(moment: datetime) -> str:
    """A UTC time as SQLite stores it (naive, as text)."""
    return str(moment.replace(tzinfo=None))


def _preparer(field: Field, vendor: str, native_uuid: bool) -> Prepare:
    """How to turn one object's value of `field` into the database's, as the ORM's insert does
    (`auto_now` fields are stamped on the object)."""
    attname = field.attname
    adapt = _adapter(field, vendor, native_uuid)
    if isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add):

        def stamp(obj: Model, context: _Context) -> Any:
            setattr(obj, attname, context.now)
            return adapt(context.now, context.connection)

        return stamp
    if _read_as_is(field):
        return lambda obj, context: getattr(obj, attname)
    if _reads_attribute(field):
        return lambda obj, context: adapt(getattr(obj, attname), context.connection)
    return lambda obj, context: adapt(field.pre_save(obj, True), context.connection)


def _read_as_is(field: Field) -> bool:
    """Whether the database takes `field`'s attribute as it is (no conversion, no stamp)."""
    return _plain(field) and not getattr(field, "auto_now", False)


def _reads_attribute(field: Field) -> bool:
    """Whether `field.pre_save` only reads the instance's attribute (Field's own, or a date
    field's without `auto_now`/`auto_now_add`, which stamp)."""
    if isinstance(field, DateTimeField):
        return not (field.auto_now or field.auto_now_add)
    return type(field).pre_save is Field.pre_save


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} has no column")
    return field.column


@cache
def _preparers(model: type[Model], using: str) -> tuple[Prepare, ...]:
    connection = connections[using]
    vendor, native_uuid = connection.vendor, connection.features.has_native_uuid_field
    return tuple(_preparer(f, vendor, native_uuid) for f in _fields(model))


@dataclass(frozen=True)
class _RowPlan:
    """`_preparers`, regrouped for an instance that holds every column in its `__dict__`: the
    plain values are read in one pass, then the few fields that convert or stamp are fixed."""

    attnames: tuple[str, ...]
    fixes: tuple[tuple[int, Prepare], ...]  # (position, its preparer) for non-plain fields


@cache
def _row_plan(model: type[Model], using: str) -> _RowPlan:
    fields, preparers = _fields(model), _preparers(model, using)
    fixes = tuple(
        (at, prepare)
        for at, (field, prepare) in enumerate(zip(fields, preparers, strict=True))
        if not _read_as_is(field)
    )
    return _RowPlan(tuple(f.attname for f in fields), fixes)


def _row_values(obj: Model, using: str, context: _Context) -> list[Any]:
    """`obj`'s column values as the preparers give them (a test holds the two equal)."""
    plan = _row_plan(type(obj), using)
    state = obj.__dict__
    try:
        values = [state[attname] for attname in plan.attnames]
    except KeyError:  # a deferred field: the preparers read it through its descriptor
        return [prepare(obj, context) for prepare in _preparers(type(obj), using)]
    for at, prepare in plan.fixes:
        values[at] = prepare(obj, context)
    return values


_lock_files: dict[str, Any] = {}


class _WriteLock:
    """`write_lock`'s context manager: the flock held between enter and exit, if any (a class,
    not a generator: the answer path takes it on every answer)."""

    __slots__ = ("file",)

    def __init__(self, file: Any) -> None:
        self.file = file

    def __enter__(self) -> None:
        if self.file is not None:
            fcntl.flock(self.file, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            fcntl.flock(self.file, fcntl.LOCK_UN)


def write_lock(using: str = "default") -> _WriteLock:
    """One SQLite writer at a time across the server's processes, outside any transaction.

    SQLite lets one connection write at a time; the others wait in its busy handler, which
    sleeps 1, 2, 5 ... up to 100 ms between tries, so under load an answer can wait far longer
    than the write takes. Writers that take this lock first wait in the kernel (`flock`) and go
    the moment it is free: two processes inserting answers store about twice as many a second.

    A no-op on other databases, on an in-memory SQLite database, and inside a transaction
    (which may hold SQLite's lock already: the order is always this lock, then SQLite's)."""
    return _WriteLock(_lock_file(connections[using]))


def _lock_file(connection: BaseDatabaseWrapper) -> Any:
    """The file `write_lock` locks for this connection's writes, or None where it is a no-op."""
    if fcntl is None or connection.vendor != "sqlite" or connection.in_atomic_block:
        return None
    name = str(connection.settings_dict["NAME"])
    lock = _lock_files.get(name)
    if lock is None:
        if ":memory:" in name or "mode=memory" in name:
            return None
        lock = _lock_files[name] = open(f"{name}.write-lock", "a")  # noqa: SIM115
    return lock


def checkpoint(using: str = "default") -> None:
    """Copies SQLite's write-ahead log into the database file, outside any lock: a PASSIVE
    checkpoint waits for nobody and nobody waits for it. Left to SQLite, the checkpoint runs in
    whichever commit passes `wal_autocheckpoint` pages (settings.py sets it high), which holds
    `write_lock` meanwhile and makes every other writer wait. The expansion calls this after
    each sweep. A no-op elsewhere, and inside a transaction."""
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


@dataclass(frozen=True)
class _Statement:
    sql: str  # with the placeholders Django's cursor takes (%s)
    raw: str  # with those the DB-API driver takes (SQLite: ?)
    returning: bool
    width: int  # parameters per execution; fewer than given: one execution per row (many)


@cache
def _statement(
    model: type[Model],
    rows: int,
    unique: tuple[str, ...],
    where: str,
    using: str,
    *,
    returning: bool = True,
) -> _Statement:
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = _fields(model)
    columns = ", ".join(quote(f.column) for f in fields)
    row = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    # PostgreSQL takes many rows as one statement run once per row (psycopg pipelines them and
    # parses the short statement once; a long one it parses again on every call).
    many = rows > 1 and connection.vendor == "postgresql"
    if where:  # one row, written only if the condition holds
        sql = f"INSERT INTO {table} ({columns}) SELECT {row} WHERE {where}"
    else:
        values = ", ".join([f"({row})"] * (1 if many else rows))
        sql = f"INSERT INTO {table} ({columns}) VALUES {values}"
    if unique:
        targets = ", ".join(quote(_column(model, name)) for name in unique)
        sql += f" ON CONFLICT ({targets}) DO NOTHING"
    returning = returning and rows == 1 and connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {quote(model._meta.pk.column)}"  # type: ignore[union-attr]
    raw = sql.replace("%s", "?") if connection.vendor == "sqlite" else sql
    width = len(fields) if many else len(fields) * rows + (sql.count("%s") - len(fields) * rows)
    return _Statement(sql, raw, returning, width)


BATCH = 500  # rows per statement: well under both databases' limits on parameters


@dataclass(frozen=True)
class _Chunk:
    objs: Sequence[Model]
    statement: _Statement
    params: list[Any]


@dataclass(frozen=True)
class PreparedRows:
    """Rows whose statements and parameters are ready: `write()` only runs them, so a caller
    can prepare before taking a lock (a transaction) and hold it only while they run."""

    using: str
    chunks: tuple[_Chunk, ...]

    def write(self) -> int:
        """Runs the statements; returns how many rows were written."""
        connection, written = connections[self.using], 0
        for chunk in self.chunks:
            count, pk = _execute(connection, chunk.statement, chunk.params, len(chunk.objs))
            written += count
            if len(chunk.objs) == 1 and pk is not None:
                obj = chunk.objs[0]
                obj.pk = pk
                obj._state.adding, obj._state.db = False, self.using
        return written


def prepare_rows(
    objs: Sequence[Model], *, unique: Sequence[str] = (), where: Condition | None = None
) -> PreparedRows:
    """The statements inserting `objs` (all of one model), up to BATCH rows each.

    With `unique` (the fields of a unique constraint), a row that collides with a stored one is
    skipped, not an error. With `where` (SQL and its parameters; one object only), the row is
    written only if that condition holds. A lone object gets its primary key when written."""
    if where is not None and len(objs) != 1:
        raise ValueError("prepare_rows(where=...) writes one object")
    if not objs:
        return PreparedRows("default", ())
    model = type(objs[0])
    using = router.db_for_write(model)
    context = _Context(connections[using])
    chunks = []
    for start in range(0, len(objs), BATCH):
        part = objs[start : start + BATCH]
        params = [value for obj in part for value in _row_values(obj, using, context)]
        statement = _statement(model, len(part), tuple(unique), where[0] if where else "", using)
        chunks.append(_Chunk(part, statement, params + (where[1] if where else [])))
    return PreparedRows(using, tuple(chunks))


def insert_rows(
    objs: Sequence[Model], *, unique: Sequence[str] = (), where: Condition | None = None
) -> int:
    """Inserts `objs` (see `prepare_rows`); returns how many rows were written."""
    return prepare_rows(objs, unique=unique, where=where).write()


def insert_values(
    model: type[Model],
    values: Sequence[Any],
    *,
    unique: Sequence[str] = (),
    where: Condition | None = None,
) -> bool:
    """Inserts one row of `model` from its column values as the database takes them, in the
    order of its concrete fields (the primary key the database numbers left out): for a hot
    path whose values are ready, with no instance to make. `unique` and `where` as in
    `prepare_rows`. Returns whether the row was written (the count, no RETURNING: cheaper)."""
    using = router.db_for_write(model)
    statement = _statement(
        model, 1, tuple(unique), where[0] if where else "", using, returning=False
    )
    params = [*values, *(where[1] if where else [])]
    return _execute(connections[using], statement, params, 1)[0] == 1


def _execute(
    connection: BaseDatabaseWrapper, statement: _Statement, params: list[Any], rows: int
) -> tuple[int, Any]:
    """Runs the statement; returns (rows written, the lone row's primary key or None).

    On the driver's own cursor: Django's adds more time than SQLite takes to store an answer.
    Errors still become Django's (`wrap_database_errors`); while queries are being recorded
    (DEBUG, `assertNumQueries`, `CaptureQueriesContext`) Django's cursor runs it, so they count."""
    if connection.queries_logged:
        with connection.cursor() as cursor:
            _run(cursor, statement.sql, statement, params)
            return _outcome(cursor, statement, rows)
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with _WriteLock(_lock_file(connection)), connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            _run(cursor, statement.raw, statement, params)
            return _outcome(cursor, statement, rows)
        finally:
            cursor.close()


def _run(cursor: Any, sql: str, statement: _Statement, params: list[Any]) -> None:
    if len(params) == statement.width:
        cursor.execute(sql, params)
    else:
        width = statement.width
        cursor.executemany(sql, [params[i : i + width] for i in range(0, len(params), width)])


def _outcome(cursor: Any, statement: _Statement, rows: int) -> tuple[int, Any]:
    if statement.returning:
        found = cursor.fetchone()
        return (1, found[0]) if found else (0, None)
    written = cursor.rowcount
    if rows == 1 and written == 1:  # the driver's last id, where it has one (not psycopg)
        return written, getattr(cursor, "lastrowid", None)
    return written, None


# Reading rows with SQL built once per process ---------------------------------------------
# The update of an answer (the survey form sends one per question) reads its response by
# public id, then again locked: the ORM compiled each of those selects (every column, its
# converters) on every call, several times what SQLite takes to find the row.


@dataclass(frozen=True)
class _Select:
    sql: str  # SELECT every concrete column FROM the table WHERE ..., with %s placeholders
    names: list[str]  # the columns' attnames, as `Model.from_db` takes them
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]  # (at, them, col)


@cache
def _select(model: type[Model], where: str, lock: bool, using: str) -> _Select:
    connection = connections[using]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    columns = ", ".join(f"{quote(table)}.{quote(f.column)}" for f in fields)
    sql = f"SELECT {columns} FROM {quote(table)} WHERE {where}"
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    converters = []
    for at, field in enumerate(fields):
        col = field.get_col(table)
        # As the ORM's compiler takes them: the backend's, then the field's.
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((at, tuple(found), col))
    return _Select(sql, [f.attname for f in fields], tuple(converters))


def select_rows(
    model: type[M], where: str, params: Sequence[Any], *, lock: bool = False
) -> list[M]:
    """The rows of `model` where `where` holds (SQL of its columns, %s placeholders, values as
    the database takes them), loaded as the ORM loads them (`Model.from_db`, every field's
    converters); `lock`: locked for the transaction (FOR UPDATE where the database has it).
    A test holds them equal to the ORM's."""
    using = router.db_for_write(model) if lock else router.db_for_read(model)
    select = _select(model, where, lock, using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(select.sql, list(params))
        rows = cursor.fetchall()
    loaded = []
    for row in rows:
        values = list(row)
        for at, converters, col in select.converters:
            value = values[at]
            for convert in converters:
                value = convert(value, col, connection)
            values[at] = value
        loaded.append(model.from_db(using, select.names, values))
    return loaded


def _update_preparer(field: Field, vendor: str, native_uuid: bool) -> Prepare:
    """As `_preparer`, for an UPDATE: a field stamped when added only keeps its value."""
    if isinstance(field, DateTimeField) and field.auto_now_add and not field.auto_now:
        adapt = _adapter(field, vendor, native_uuid)
        return lambda obj, context: adapt(getattr(obj, field.attname), context.connection)
    return _preparer(field, vendor, native_uuid)


@cache
def _update(model: type[Model], using: str) -> tuple[str, tuple[Prepare, ...]]:
    connection = connections[using]
    quote = connection.ops.quote_name
    vendor, native_uuid = connection.vendor, connection.features.has_native_uuid_field
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table = quote(model._meta.db_table)
    sql = f"UPDATE {table} SET {sets} WHERE {quote(pk.column)} = %s"  # type: ignore[union-attr]
    return sql, tuple(_update_preparer(f, vendor, native_uuid) for f in fields)


def update_row(obj: Model) -> int:
    """`obj.save()` of a stored row, every column written (`auto_now` stamps included), in SQL
    built once, where nobody listens to the model's `pre_save`/`post_save` (else through
    `save()`). Returns how many rows it wrote (0: the row is gone)."""
    model = type(obj)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        obj.save()  # someone listens: the ORM's own save, signals and all
        return 1
    using = obj._state.db or router.db_for_write(model)
    sql, preparers = _update(model, using)
    context = _Context(connections[using])
    params = [prepare(obj, context) for prepare in preparers]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])
        return cursor.rowcount


# A row kept as JSON, written as its model's row later --------------------------------------
# The answer endpoint keeps a new response as one narrow row (`surveys.Intake`), its columns'
# values in one JSON array; the expansion writes many such rows at once with `INSERT ...
# SELECT` (`select_json_row`). The values are those `insert_rows` would write, so the row
# stored later is the row the ORM would have stored at once.


def _json_default(value: Any) -> Any:
    """PostgreSQL's prepared values that JSON has no type for; the SELECT casts them back."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "obj"):  # psycopg's Jsonb: the value it wraps
        return value.obj
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_row(obj: Model) -> str:
    """`obj`'s column values as `insert_rows` writes them (defaults, stamps, conversions),
    as one JSON array in `select_json_row`'s column order."""
    model = type(obj)
    using = router.db_for_write(model)
    context = _Context(connections[using])
    values = _row_values(obj, using, context)
    try:  # SQLite's values are all JSON's own: the encoder `json.dumps` makes once
        return json.dumps(values)
    except TypeError:
        return json.dumps(values, default=_json_default)


def _from_json(field: Field, position: int, source: str, connection: BaseDatabaseWrapper) -> str:
    if connection.vendor != "postgresql":  # SQLite: the prepared value is stored as it is
        return f"({source} ->> {position})"
    if isinstance(field, JSONField):
        return f"({source} -> {position})"
    return f"CAST(({source} ->> {position}) AS {field.db_type(connection)})"


def select_json_row(model: type[Model], source: str, using: str) -> list[tuple[Field, str]]:
    """For each column `json_row` wrote for `model`, its field and the SQL of its value in
    `source`, an SQL expression of that JSON text (of type jsonb on PostgreSQL): the parts of
    an `INSERT INTO table (columns) SELECT values FROM ...`."""
    connection = connections[using]
    return [(f, _from_json(f, at, source, connection)) for at, f in enumerate(_fields(model))]
