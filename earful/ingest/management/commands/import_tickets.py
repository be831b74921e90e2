from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from earful.accounts.models import Organization
from earful.ingest import selectors
from earful.ingest.models import ImportRun, Kind
from earful.ingest.services.connections import ConnectionInvalid, parse_columns, source_for_kind
from earful.ingest.services.importing import import_file

SHOWN_REJECTIONS = 20


class Command(BaseCommand):
    help = (
        "Import support tickets from a file (upsert on the source's id: a rerun adds nothing). "
        "Used as `earful import tickets FILE --source NAME --org SLUG`."
    )
    kind = Kind.TICKETS

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="Organization slug")
        parser.add_argument(
            "--source", required=True, help="The file's source: csv, json, zendesk ..."
        )
        parser.add_argument(
            "--columns",
            default="",
            help="File sources: our_field=their_column,... (e.g. text=body,external_id=id)",
        )
        parser.add_argument(
            "--columns-file", type=Path, help="File sources: a JSON object our_field -> column"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"--org: no organization with slug '{options['org']}'")
        # Every argument checked before any work or progress bar.
        if not Path(options["file"]).is_file():
            raise CommandError(f"--file: {options['file']} does not exist or is not a file")
        try:
            source_for_kind(options["source"], self.kind)
        except ConnectionInvalid as exc:
            raise CommandError(f"--{exc.field}: {exc.message}") from exc
        columns = self._columns(options)
        columns_shown = (
            SpinnerColumn(),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
        )
        with Progress(*columns_shown, TimeElapsedColumn()) as bar:
            total = _estimated_rows(options["file"])
            task = bar.add_task(f"Importing {self.kind}", total=total)
            try:
                run = import_file(
                    organization=organization,
                    kind=self.kind,
                    source_name=options["source"],
                    path=options["file"],
                    columns=columns,
                    progress=lambda run: bar.update(
                        task,
                        completed=run.rows_read,
                        total=max(total, run.rows_read) if total else None,
                        description=_counts(run),
                    ),
                )
            except ConnectionInvalid as exc:
                raise CommandError(f"--{exc.field}: {exc.message}") from exc
            bar.update(task, completed=run.rows_read, total=run.rows_read)
        self._report(run)

    def _columns(self, options: dict[str, Any]) -> dict[str, str] | None:
        columns: dict[str, object] = {}
        if options["columns_file"] is not None:
            try:
                loaded = json.loads(Path(options["columns_file"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"--columns-file: cannot read it: {exc}") from exc
            if not isinstance(loaded, dict):
                raise CommandError("--columns-file: expected a JSON object our_field -> column")
            columns.update(loaded)
        try:
            columns.update(parse_columns(options["columns"]))
        except ConnectionInvalid as exc:
            raise CommandError(f"--columns: {exc.message}") from exc
        return {str(k): str(v) for k, v in columns.items()} or None

    def _report(self, run: ImportRun) -> None:
        for rejection in selectors.import_rejections(run, limit=SHOWN_REJECTIONS):
            known = f" ({rejection.external_id})" if rejection.external_id else ""
            self.stderr.write(
                f"row {rejection.row_number}{known}: {rejection.field}: {rejection.reason}"
            )
        if run.rejected > SHOWN_REJECTIONS:
            self.stderr.write(f"... and {run.rejected - SHOWN_REJECTIONS} more rejected rows")
        self.stdout.write(_counts(run))
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(f"import {run.pk} failed: {run.error}")


def _counts(run: ImportRun) -> str:
    return (
        f"new {run.new}, updated {run.updated}, unchanged {run.unchanged}, rejected {run.rejected}"
    )


LINE_FORMATS = {".csv", ".tsv", ".jsonl", ".ndjson"}


def _estimated_rows(path: Path) -> int | None:
    """Rows of a line-per-row file, for the progress bar (a quoted newline in a CSV makes it an
    overestimate; the bar ends at the true count). None for other files, or unreadable ones:
    the import itself says what is wrong with them."""
    if path.suffix.lower() not in LINE_FORMATS:
        return None
    try:
        with path.open("rb") as stream:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    except OSError:
        return None
    header = 1 if path.suffix.lower() in {".csv", ".tsv"} else 0
    return max(lines - header, 0) or None
