"""earful erase-customer --org SLUG --who EMAIL-OR-ID [--yes]: erase one customer everywhere."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from earful.privacy import selectors, services
from earful.privacy.management.commands._shared import command_actor, organization_by_slug


class Command(BaseCommand):
    help = "Erase one customer across every app (scores stay, unlinked); recorded, not undoable"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Organization slug")
        parser.add_argument("--who", required=True, help="The customer's e-mail or external id")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_by_slug(options["org"])
        customer = selectors.find_customer(organization, options["who"])
        if customer is None:
            raise CommandError(f"--who: no customer with e-mail or external id '{options['who']}'")
        if not options["yes"]:
            answer = input(f"Erase {customer} ({customer.external_id}) for good? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("not erased")
        record = services.erase_customer(customer=customer, actor=command_actor())
        for table, count in sorted(record.rows.items()):
            self.stdout.write(f"{table:32} {count:>8}")
        self.stdout.write(
            f"erased customer #{record.customer_number} at {record.at:%Y-%m-%d %H:%M} UTC"
        )
