"""earful export responses --survey ID | feedback --org SLUG | customers --org SLUG
[--format csv|jsonl] [--bom] --out FILE"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from earful.privacy import selectors, services
from earful.privacy.formats import FORMATS, lines
from earful.privacy.management.commands._shared import command_actor, organization_by_slug
from earful.surveys.models import Survey


class Command(BaseCommand):
    help = "Export a survey's responses, the feedback items or the customers as CSV or JSON Lines"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["responses", "feedback", "customers"])
        parser.add_argument("--survey", type=int, help="responses: the survey's id")
        parser.add_argument("--org", default="", help="feedback, customers: organization slug")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--bom", action="store_true", help="CSV: a UTF-8 BOM, for Excel")
        parser.add_argument("--out", type=Path, required=True, help="The file to write; - : stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        export, total, organization, target = self._export(options)
        if export.withheld:
            self.stderr.write(f"withheld: {export.withheld}")
        out = sys.stdout if str(options["out"]) == "-" else options["out"].open("w", newline="")
        written = 0
        with tqdm(total=total, unit=" rows", disable=out is sys.stdout, file=sys.stderr) as bar:
            for line in lines(options["format"], export.columns, export.rows, bom=options["bom"]):
                out.write(line)
                written += 1
                bar.update(1)
        if out is not sys.stdout:
            out.close()
        services.record_export(
            organization=organization,
            actor=command_actor(),
            what=options["what"],
            target=target,
            format=options["format"],
        )
        rows = max(0, written - (1 if options["format"] == "csv" else 0))
        self.stderr.write(f"{rows} rows written to {options['out']}")

    def _export(self, options: dict[str, Any]) -> tuple[selectors.Export, int, Any, str]:
        if options["what"] == "responses":
            if not options["survey"]:
                raise CommandError("--survey: required for responses")
            survey = Survey.objects.filter(pk=options["survey"]).first()
            if survey is None:
                raise CommandError(f"--survey: no survey with id {options['survey']}")
            total = survey.responses.count()
            return (
                selectors.response_export(survey),
                total,
                survey.organization,
                f"survey:{survey.pk}",
            )
        if not options["org"]:
            raise CommandError(f"--org: required for {options['what']}")
        organization = organization_by_slug(options["org"])
        if options["what"] == "feedback":
            export = selectors.item_export(organization)
            total = organization.feedbackitem_set.count()
        else:
            export = selectors.customer_export(organization)
            total = organization.customer_set.count()
        return export, total, organization, options["what"]
