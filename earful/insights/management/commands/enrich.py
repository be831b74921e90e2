"""`earful enrich [--org SLUG] [--all] [--every N]`: the enrichment sweep.

Enriches every feedback item not analyzed yet (sentiment, hesitancy, themes), with a progress
bar, then prints how many and how fast. The worker does this as items arrive; this catches up
after lost tasks, and `--all` analyzes everything again (after a model upgrade).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from earful.accounts.models import Organization
from earful.feedback.models import FeedbackItem
from earful.insights.services.enrichment import enrich_pending


class _Speed(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.0f} items/s" if task.speed else "", style="progress.data.speed")


def progress_bar(*, quiet: bool = False) -> Progress:
    """The bar `earful enrich` and `earful seed-demo` show while comments are analyzed."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Speed())
    return Progress(*columns, TimeRemainingColumn(), console=Console(stderr=True), disable=quiet)


class Command(BaseCommand):
    help = (
        "Analyze every feedback item not analyzed yet (sentiment, hesitancy, themes). "
        "Used as `earful enrich`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="Only this organization (its slug)")
        parser.add_argument(
            "--all", action="store_true", help="Analyze every item again, not only pending ones"
        )
        parser.add_argument(
            "--every", type=int, default=0, help="Repeat every N seconds (default: run once)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = self._organization(options["org"])
        if options["all"]:
            items = FeedbackItem.objects.all()
            if organization is not None:
                items = items.filter(organization=organization)
            items.update(analyzed_at=None, enrichment_attempts=0, enrichment_error="")
        while True:
            self._sweep(organization, quiet=options["verbosity"] == 0)
            if not options["every"]:
                return
            time.sleep(options["every"])

    def _organization(self, slug: str | None) -> Organization | None:
        if slug is None:
            return None
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"--org {slug}: no such organization")
        return organization

    def _sweep(self, organization: Organization | None, *, quiet: bool) -> None:
        started = time.perf_counter()
        with progress_bar(quiet=quiet) as bar:
            task = bar.add_task("Analyzing feedback", total=None)
            report = enrich_pending(
                organization=organization,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        line = report.describe(time.perf_counter() - started)
        self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {line}")
