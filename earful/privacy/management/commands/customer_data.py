"""earful customer-data --org SLUG --who EMAIL-OR-ID [--out FILE]: everything held about them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from earful.privacy import selectors, services
from earful.privacy.management.commands._shared import command_actor, organization_by_slug


class Command(BaseCommand):
    help = "Export everything Earful holds about one customer (JSON with a readable summary)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Organization slug")
        parser.add_argument("--who", required=True, help="The customer's e-mail or external id")
        parser.add_argument("--out", type=Path, help="The JSON file (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_by_slug(options["org"])
        customer = selectors.find_customer(organization, options["who"])
        if customer is None:
            raise CommandError(f"--who: no customer with e-mail or external id '{options['who']}'")
        data = services.export_customer_data(customer=customer, actor=command_actor())
        text = json.dumps(data, indent=2, default=str, ensure_ascii=False)
        if options["out"]:
            options["out"].write_text(text + "\n")
            self.stderr.write("\n".join(data["summary"]))
            self.stderr.write(f"written to {options['out']}")
        else:
            self.stdout.write(text)
