from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
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
    SLUG,
    DemoSlugTaken,
    DemoSummary,
    seed_demo,
)
from earful.insights.services.enrichment import enrich_pending, pending_items
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


ANALYSIS_SECONDS = 60  # comments analyzed in the foreground at most this long; then background
_BACKGROUND = (
    "import sys; from earful.cli import main; "
    f"main(['enrich', '--org', '{SLUG}']); sys.exit(main(['refresh-themes', '--org', '{SLUG}']))"
)


def _analyze_comments(summary: DemoSummary, bars: _Bars, seconds: int) -> str:
    """Writes the answers' feedback items if no worker has yet, then analyzes them (sentiment,
    hesitancy, themes) for at most `seconds`, so the dashboards show them at once; what is left
    is analyzed by a background `earful enrich` (then `earful refresh-themes`), and the
    dashboards show its progress. The themes are found once everything is analyzed."""
    started = time.perf_counter()
    expand_responses()
    report = enrich_pending(
        organization=summary.organization,
        progress=lambda done, total: bars("Analyzing comments", done, total),
        until=time.monotonic() + seconds,
    )
    line = report.describe(time.perf_counter() - started)
    left = pending_items(summary.organization).count()
    if not left:
        found = refresh_themes(organization=summary.organization)
        line += f"\nthemes: {found.themes} found, {found.emerging} comments new or emerging"
    if left:
        line += (
            f"; the other {left} are being analyzed in the background (log: "
            f"{_analyze_in_background()}); the Feedback page shows the progress"
        )
    return line


def _analyze_in_background() -> Path:
    log = Path(settings.DATA_DIR) / "demo-analysis.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        subprocess.Popen(
            [sys.executable, "-c", _BACKGROUND],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return log


class Command(BaseCommand):
    help = "Load the demo organization, Northwind Apparel. A rerun adds no duplicates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=CUSTOMERS, help="How many customers")
        parser.add_argument("--responses", type=int, default=RESPONSES, help="How many responses")
        parser.add_argument(
            "--analysis-seconds",
            type=int,
            default=ANALYSIS_SECONDS,
            help=(
                "Analyze the comments for at most this long, then leave the rest to a "
                f"background process (default {ANALYSIS_SECONDS}; 0: all in the background)"
            ),
        )

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
            analysis = _analyze_comments(summary, _Bars(progress), options["analysis_seconds"])
        self.stdout.write(_counts(summary))
        self.stdout.write(f"comments: {analysis}")
        self.stdout.write(_box(summary))
