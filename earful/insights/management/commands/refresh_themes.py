"""`earful refresh-themes --org SLUG`: find the organization's themes again over all its items.

Embeds the items that have no stored embedding yet (the slow part, shown with a progress bar),
re-clusters everything, and keeps ids, renames, merges and splits (services/themes.py).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from earful.accounts.models import Organization
from earful.insights.services.themes import refresh_themes


class Command(BaseCommand):
    help = "Find an organization's themes again over all its feedback (keeps people's edits)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Organization slug")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"--org: no organization with slug '{options['org']}'")
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        quiet = options["verbosity"] == 0
        started = time.perf_counter()
        with Progress(
            *columns, TimeElapsedColumn(), console=Console(stderr=True), disable=quiet
        ) as bar:
            tasks: dict[str, Any] = {}

            def progress(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = bar.add_task(step, total=total)
                bar.update(tasks[step], completed=done, total=total)

            report = refresh_themes(organization=organization, progress=progress)
        self.stdout.write(
            f"{report.items} items: {report.themes} themes ({report.kept_themes} kept, "
            f"{report.new_themes} new, {report.removed_themes} removed), "
            f"{report.emerging} new/emerging, in {time.perf_counter() - started:.1f} s"
        )
