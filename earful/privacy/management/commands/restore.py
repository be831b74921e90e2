"""earful restore FILE --yes: replace the database with a backup (stop server and workers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from earful.privacy.backup import BackupError, restore_database


class Command(BaseCommand):
    help = "Restore the database from `earful backup`'s file; stop the server and workers first"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="Replace without asking")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("restore replaces every row: add --yes once the server is stopped")
        try:
            how = restore_database(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{how} from {options['file']}")
