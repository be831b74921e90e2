from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from earful.accounts.models import Organization
from earful.health.services.fitting import fit_weights
from earful.health.services.recompute import recompute_all


class Command(BaseCommand):
    help = "Fit the health weights on an organization's history, backtest, recompute everyone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", type=int, help="Organization id (default: every one)")

    def handle(self, *args: Any, **options: Any) -> None:
        orgs = Organization.objects.all()
        if options["org"]:
            orgs = orgs.filter(pk=options["org"])
        for org in orgs:
            fit = fit_weights(organization_id=org.pk)
            recompute_all(organization_id=org.pk)
            self.stdout.write(f"{org.name}: {json.dumps(fit, default=str)}")
