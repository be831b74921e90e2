"""earful backup --out FILE: a consistent copy of the database while Earful runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from earful.privacy.backup import BackupError, backup_database


class Command(BaseCommand):
    help = "Back up the whole database (SQLite online backup, pg_dump on PostgreSQL)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="The backup file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["out"].exists():
            raise CommandError(f"--out: {options['out']} exists; choose a new file")
        try:
            how = backup_database(options["out"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = options["out"].stat().st_size
        self.stdout.write(f"backed up to {options['out']} ({size / 1e6:.1f} MB, {how})")
