from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.panel import Panel
from rich.progress import Progress, TaskID

from earful.demo.services import (
    CUSTOMERS,
    RESPONSES,
    DemoSlugTaken,
    DemoSummary,
    seed_demo,
)
from earful.insights.models import Theme
from earful.insights.services.enrichment import enrich_pending
from earful.insights.services.themes import refresh_themes
from earful.surveys.services.expanding import expand_responses


class _Bars:
    """One rich progress bar per step the service reports."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        if step not in self._tasks:
            self._tasks[step] = self._progress.add_task(step, total=total)
        self._progress.update(self._tasks[step], completed=done, total=total)


def _box(summary: DemoSummary) -> str:
    owner, analyst = summary.logins
    token = summary.api_token or "shown on the first run only; more on the API tokens page"
    lines = [
        f"[bold]Open[/]       {settings.EARFUL_BASE_URL}/",
        f"[bold]Owner[/]      {owner}",
        f"[bold]Analyst[/]    {analyst}",
        f"[bold]Password[/]   {summary.password}",
        f"[bold]API token[/]  {token}",
    ]
    console = Console(width=100)
    with console.capture() as captured:
        console.print(Panel.fit("\n".join(lines), title=f"{summary.organization.name} demo"))
    return captured.get()


def _counts(summary: DemoSummary) -> str:
    report = summary.customers
    return (
        f"customers: created {report.created}, updated {report.updated}, "
        f"unchanged {report.unchanged}, in {summary.accounts} accounts\n"
        f"surveys: {', '.join(s.title for s in summary.surveys)}\n"
        f"responses: created {summary.responses_created}, "
        f"already there {summary.responses_existing}\n"
        + "tickets, reviews, posts: new "
        + ", ".join(f"{count} {kind}" for kind, count in summary.voices.items())
    )


def _analyze_comments(summary: DemoSummary, bars: _Bars) -> str:
    """Writes the answers' feedback items if no worker has yet, analyzes every one of them
    (sentiment, hesitancy, the text's embedding) and finds the themes, all before the server
    starts: the demo is complete when its first page opens. The worker keeps it fresh after."""
    started = time.perf_counter()
    expand_responses()
    report = enrich_pending(
        organization=summary.organization,
        progress=lambda done, total: bars("Analyzing comments", done, total),
    )
    line = report.describe(time.perf_counter() - started)
    if not report.done and Theme.objects.filter(organization=summary.organization).exists():
        return line + "\nthemes: unchanged (nothing new to analyze)"  # a rerun of make demo
    found = refresh_themes(organization=summary.organization, progress=bars)
    return line + f"\nthemes: {found.themes} found, {found.emerging} comments new or emerging"


class Command(BaseCommand):
    help = "Load the demo organization, Northwind Apparel. A rerun adds no duplicates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=CUSTOMERS, help="How many customers")
        parser.add_argument("--responses", type=int, default=RESPONSES, help="How many responses")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["customers"] < 1 or options["responses"] < 0:
            raise CommandError("--customers must be at least 1, --responses at least 0")
        with Progress() as progress:
            try:
                summary = seed_demo(
                    now=timezone.now(),
                    progress=_Bars(progress),
                    customers=options["customers"],
                    responses=options["responses"],
                )
            except DemoSlugTaken as exc:
                raise CommandError(str(exc)) from exc
            analysis = _analyze_comments(summary, _Bars(progress))
        self.stdout.write(_counts(summary))
        self.stdout.write(f"comments: {analysis}")
        self.stdout.write(_box(summary))
