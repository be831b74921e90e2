from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from earful.accounts.models import Organization
from earful.outreach.simulation import SimulationReport, simulate_contacts

REASONS = {
    "recontact": "skipped: recontact period",
    "cooldown": "skipped: global cooldown",
    "cap": "skipped: message cap",
    "no_email": "skipped: no email address",
    "unsubscribed": "skipped: unsubscribed",
}


def _table(organization: Organization, report: SimulationReport) -> Table:
    table = Table(title=f"Contact budget, {report.days} simulated days: {organization.name}")
    table.add_column("")
    table.add_column("count", justify="right")
    table.add_row("customers", str(report.customers))
    table.add_row("published surveys (each invites everyone it may, daily)", str(report.surveys))
    table.add_row("customers asked", str(len(report.asked)))
    table.add_row("invitations sent", str(report.invitations))
    table.add_row("  of which by journey triggers", str(report.triggered))
    table.add_row("reminders sent (nobody answers: worst case)", str(report.reminders))
    for code, count in report.skipped.most_common():
        table.add_row(REASONS.get(code, f"skipped: {code}"), str(count))
    for code, count in report.skipped_reminders.most_common():
        reason = REASONS.get(code, f"skipped: {code}").removeprefix("skipped: ")
        table.add_row(f"reminders skipped: {reason}", str(count))
    table.add_row("most messages to one customer", str(report.most_messages))
    return table


class Command(BaseCommand):
    help = (
        "Simulate the daily sends of every published survey under the contact budget, without "
        "sending or writing anything. Used as `earful simulate-contacts --days 90`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--org", help="Organization slug (default: the only one, or 'demo')")

    def _organization(self, slug: str | None) -> Organization:
        if slug:
            found = Organization.objects.filter(slug=slug).first()
        else:
            found = Organization.objects.filter(slug="demo").first()
            if found is None and Organization.objects.count() == 1:
                found = Organization.objects.first()
        if found is None:
            raise CommandError("--org: name an organization by its slug")
        return found

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("--days: at least 1")
        organization = self._organization(options["org"])
        console = Console(file=self.stdout)  # type: ignore[arg-type]
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("Simulating days", total=options["days"])
            report = simulate_contacts(
                organization=organization,
                days=options["days"],
                progress=lambda n: bar.update(task, completed=n),
            )
        console.print(_table(organization, report))
