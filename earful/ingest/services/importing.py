"""Importing a file of tickets, reviews or posts: the command, the API and the upload page all
call `import_file` (or `start_upload_import`, which saves an upload and imports it in the
background).

The file is streamed through its source's `read_file`, one row at a time; each row is mapped
to a Record (a row that cannot be mapped becomes an ImportRejection with its reason, the rest
still lands) and the records are written CHUNK at a time by `upsert_records`, so memory does
not grow with the file. The ImportRun's counts are saved after every chunk: a page polling it
shows the progress. A rerun of the same file finds every item stored: 0 new, all unchanged.

Refused before anything is written (ImportRefused, with the field and reason): an unknown
kind or source, a source that brings another kind, a missing or unreadable file, a bad column
mapping. A run that starts and then cannot go on (the file turns out not to be CSV, a mapped
column is not in the file, every row of the first chunk lacks a column the source needs) is
marked failed with its `error`.
"""

from __future__ import annotations

import csv
import json
import logging
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Permission
from earful.core.text import repair_text
from earful.ingest.models import ImportRejection, ImportRun, SourceConnection
from earful.ingest.services.connections import ConnectionInvalid, check_columns, source_for_kind
from earful.ingest.services.upserting import check_record, upsert_records
from earful.ingest.sources.base import MappingError, Raw, Record, Source

logger = logging.getLogger(__name__)

# Who may connect sources and import files, and read what was imported (pages and API).
MANAGE_DATA = Permission.IMPORT_CUSTOMERS
CHUNK = 1000  # rows per write and per progress update
KEPT_REJECTIONS = 1000  # rejected rows listed per run (all are counted)

Progress = Callable[[ImportRun], None]


class ImportRefused(ConnectionInvalid):
    """An import that cannot start: nothing was written."""


class ImportStopped(Exception):
    """An import that cannot go on: the run is marked failed with this message."""


def import_file(
    *,
    organization: Organization,
    kind: str,
    source_name: str,
    path: Path,
    columns: Mapping[str, object] | None = None,
    created_by: Member | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Imports `path` now (see the module's docstring); returns the finished run (done or
    failed). `columns` (our field -> their column) defaults to the mapping saved on the
    organization's connection of that source. `progress(run)` is called after every chunk."""
    source, mapping = _check_import(organization, kind, source_name, columns)
    _check_readable(Path(path))
    mtime = datetime.fromtimestamp(Path(path).stat().st_mtime, tz=UTC)
    mapping = _with_default_time(source, mapping, mtime)
    run = ImportRun.objects.create(
        organization=organization,
        kind=kind,
        source=source.name,
        filename=Path(path).name[:300],
        created_by=created_by,
    )
    return _run(run, source, Path(path), mapping, progress)


def start_upload_import(
    *,
    organization: Organization,
    kind: str,
    source_name: str,
    upload: UploadedFile,
    columns: Mapping[str, object] | None = None,
    created_by: Member | None = None,
) -> ImportRun:
    """Saves `upload` under DATA_DIR/uploads/ and imports it in the background (a task that
    takes the run's id, enqueued on commit). Returns the run, still running."""
    from earful.ingest import tasks_import

    source, mapping = _check_import(organization, kind, source_name, columns)
    mapping = _with_default_time(source, mapping, timezone.now())
    name = get_valid_filename(Path(upload.name or "upload").name)[-200:] or "upload"
    with transaction.atomic():
        run = ImportRun.objects.create(
            organization=organization,
            kind=kind,
            source=source.name,
            filename=name,
            created_by=created_by,
        )
        folder = upload_folder(run)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with upload_path(run).open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            (folder / "columns.json").write_text(json.dumps(mapping))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        run_id = run.pk
        transaction.on_commit(lambda: tasks_import.import_upload.enqueue(run_id))
    return run


def run_uploaded_import(*, run_id: int) -> ImportRun | None:
    """The background half of `start_upload_import`. Idempotent: a finished run is left alone;
    a run interrupted half-way (a worker that died) starts again from the top, and the rows it
    had written count as unchanged. The upload is deleted once the run is finished."""
    run = ImportRun.objects.filter(pk=run_id).select_related("organization").first()
    if run is None or run.status != ImportRun.Status.RUNNING:
        return run
    folder = upload_folder(run)
    try:
        source, _ = _check_import(run.organization, run.kind, run.source, {})
        mapping = check_columns(json.loads((folder / "columns.json").read_text()))
        _check_readable(upload_path(run))
    except (ConnectionInvalid, OSError, ValueError) as exc:
        run = _finish(run, failed=f"the upload cannot be imported: {exc}")
    else:
        _reset(run)
        run = _run(run, source, upload_path(run), mapping, None)
    shutil.rmtree(folder, ignore_errors=True)
    return run


def upload_folder(run: ImportRun) -> Path:
    """Where an upload waits for its import (deleted once the run is finished)."""
    return Path(settings.DATA_DIR) / "uploads" / f"run-{run.pk}"


def upload_path(run: ImportRun) -> Path:
    # The name keeps the upload's extension (a source may read .json and .jsonl differently)
    # and cannot be that of the mapping beside it.
    return upload_folder(run) / f"file-{run.filename}"


def _check_import(
    organization: Organization, kind: str, source_name: str, columns: Mapping[str, object] | None
) -> tuple[Source, dict[str, str]]:
    try:
        source = source_for_kind(source_name, kind)
        if columns:
            return source, check_columns(columns, source)
    except ConnectionInvalid as exc:
        raise ImportRefused(exc.field, exc.message) from None
    connection = SourceConnection.objects.filter(
        organization=organization, source=source.name
    ).first()
    return source, dict(connection.column_mapping) if connection else {}


def _with_default_time(source: Source, mapping: dict[str, str], when: datetime) -> dict[str, str]:
    """File sources date the rows of a file without a date column by `when`: the file's
    modification time for a file on disk (a rerun of the same file changes nothing), the
    upload's time for an upload. A mapping may set `_default_received_at` itself."""
    if not source.needs_columns or mapping.get("_default_received_at"):
        return mapping
    return {**mapping, "_default_received_at": when.replace(microsecond=0).isoformat()}


def _check_readable(path: Path) -> None:
    if not path.is_file():
        raise ImportRefused("file", f"{path} does not exist or is not a file")
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise ImportRefused("file", f"{path} cannot be read ({exc.strerror})") from None


def _reset(run: ImportRun) -> None:
    """Counts back to zero, for a run that starts (again)."""
    ImportRejection.objects.filter(run=run).delete()
    run.rows_read = run.new = run.updated = run.unchanged = run.rejected = 0
    run.error = ""
    run.save(update_fields=[*_COUNTS, "error", "updated_at"])


_COUNTS = ["rows_read", "new", "updated", "unchanged", "rejected"]


@dataclass
class _Chunk:
    """The rows read since the last write."""

    rows: int = 0
    records: list[Record] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    rejections: list[ImportRejection] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # per rejection: the absent column, or ""


def _run(
    run: ImportRun,
    source: Source,
    path: Path,
    columns: dict[str, str],
    progress: Progress | None,
) -> ImportRun:
    try:
        _import_rows(run, source, path, columns, progress)
    except ImportStopped as exc:
        return _finish(run, failed=str(exc))
    except Exception as exc:
        logger.exception("import %s failed", run.pk)
        _finish(run, failed=f"the import stopped on an unexpected error: {exc}")
        raise
    return _finish(run)


def _import_rows(
    run: ImportRun,
    source: Source,
    path: Path,
    columns: dict[str, str],
    progress: Progress | None,
) -> None:
    chunk = _Chunk()
    for number, raw in _read(source, path, run):
        if number == 1:
            _check_mapped_columns(raw, columns)
        try:
            record = source.to_record(raw, columns)
            check_record(record, source=source)
        except MappingError as exc:
            chunk.rejections.append(_rejection(run, number, raw, columns, exc))
            chunk.missing.append(_missing_column(raw, columns, exc))
        else:
            key = record.external_id.strip()
            if key in chunk.ids:  # the same item again: write the first one, then this one
                _write(run, source, chunk, progress)
                chunk = _Chunk()
            chunk.records.append(record)
            chunk.ids.add(key)
        chunk.rows += 1
        if chunk.rows >= CHUNK:
            _write(run, source, chunk, progress)
            chunk = _Chunk()
    if chunk.rows:
        _write(run, source, chunk, progress)


def _read(source: Source, path: Path, run: ImportRun) -> Iterator[tuple[int, Raw]]:
    """(row number, raw record), 1 = the first data row; a file that cannot be read further
    stops the run."""
    rows = iter(source.read_file(path))
    number = 0
    while True:
        try:
            raw = next(rows)
        except StopIteration:
            return
        except (OSError, UnicodeError, ValueError, csv.Error) as exc:
            landed = f" (rows 1-{number} were imported)" if number else ""
            raise ImportStopped(
                f"{path.name} cannot be read as {source.label} at row {number + 1}: {exc}{landed}"
            ) from exc
        number += 1
        if not isinstance(raw, Mapping):
            raise ImportStopped(f"row {number} is not a record (got {type(raw).__name__})")
        yield number, raw


def _check_mapped_columns(raw: Raw, columns: dict[str, str]) -> None:
    """A column named in the mapping must be in the file (checked on its first row)."""
    absent = [
        (ours, theirs)
        for ours, theirs in columns.items()
        if not ours.startswith("_")  # options, not columns
        and theirs not in raw
        and theirs.split(".")[0] not in raw  # JSON: "user.email"
    ]
    if absent:
        ours, theirs = absent[0]
        raise ImportStopped(
            f"column '{theirs}' (mapped to {ours}) is not in the file; "
            f"its columns are: {_column_list(raw)}"
        )


def _missing_column(raw: Raw, columns: dict[str, str], exc: MappingError) -> str:
    """The column a rejection's field comes from, when the row does not have it at all."""
    column = columns.get(exc.field, exc.field)
    return "" if column in raw or exc.field in raw else column


def _write(run: ImportRun, source: Source, chunk: _Chunk, progress: Progress | None) -> None:
    if run.rows_read == 0 and not chunk.records and chunk.missing and all(chunk.missing):
        columns = set(chunk.missing)
        if len(columns) == 1:  # every row lacks the same column: the file is not of this shape
            column = columns.pop()
            field_name = chunk.rejections[0].field
            raise ImportStopped(
                f"the file has no column '{column}' (needed for {field_name}): "
                "map it with the column mapping, e.g. "
                f"{field_name}=<the column that holds it>"
            )
    with transaction.atomic():
        counts = upsert_records(
            organization=run.organization, source=source, records=chunk.records, kind=run.kind
        )
        room = max(0, KEPT_REJECTIONS - run.rejected)
        ImportRejection.objects.bulk_create(chunk.rejections[:room])
        run.rows_read += chunk.rows
        run.new += counts.new
        run.updated += counts.updated
        run.unchanged += counts.unchanged
        run.rejected += len(chunk.rejections)
        run.save(update_fields=[*_COUNTS, "updated_at"])
    if progress is not None:
        progress(run)


def _rejection(
    run: ImportRun, number: int, raw: Raw, columns: dict[str, str], exc: MappingError
) -> ImportRejection:
    return ImportRejection(
        organization_id=run.organization_id,
        run=run,
        row_number=number,
        # shown as the file gave them, a NUL or a lone surrogate repaired (core.text)
        external_id=repair_text(_external_id(raw, columns))[:200],
        field=repair_text(exc.field)[:100],
        reason=repair_text(exc.reason)[:500],
    )


def _external_id(raw: Raw, columns: dict[str, str]) -> str:
    """The row's id as the file gives it, when it can be told ("" otherwise)."""
    for key in (columns.get("external_id"), "external_id", "id"):
        value: Any = raw.get(key) if key else None
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def _column_list(raw: Raw) -> str:
    names = [str(name) for name in raw]
    shown = ", ".join(names[:15])
    return shown + (f" ... ({len(names)} in all)" if len(names) > 15 else "") or "none"


def _finish(run: ImportRun, *, failed: str = "") -> ImportRun:
    run.status = ImportRun.Status.FAILED if failed else ImportRun.Status.DONE
    run.error = failed
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at", "updated_at"])
    return run
