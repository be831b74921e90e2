from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from earful.accounts.models import Organization
from earful.customers.services import CsvInvalid, import_events, read_event_csv


class Command(BaseCommand):
    help = (
        "Import customer events from a CSV (columns customer, name, occurred_at, key). "
        "Used as `earful import events`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="Organization slug")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import valid rows, report invalid ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"--org: no organization with slug '{options['org']}'")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"file: {path} does not exist")
        with path.open(encoding="utf-8-sig", newline="") as stream, Progress() as bar:
            task = bar.add_task("Reading events", total=None)
            try:
                report = import_events(
                    organization=organization,
                    rows=read_event_csv(stream),
                    skip_invalid=options["skip_invalid"],
                    progress=lambda n: bar.update(task, completed=n),
                )
            except CsvInvalid as exc:
                raise CommandError(str(exc)) from exc
        for error in report.errors[:100]:
            self.stderr.write(f"row {error.row}: {error.field}: {error.message}")
        if len(report.errors) > 100:
            self.stderr.write(f"... and {len(report.errors) - 100} more errors")
        if not report.applied:
            raise CommandError(
                f"nothing imported: {report.rejected_rows} rows have errors "
                "(fix them or pass --skip-invalid)"
            )
        self.stdout.write(
            f"created {report.created}, unchanged {report.unchanged}, "
            f"rejected {report.rejected_rows}"
        )
