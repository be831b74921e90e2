"""earful audit --org SLUG [--action A] [--actor WHO] [--limit N] [--format text|jsonl]
earful audit --prune [--days N]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from earful.core import env
from earful.privacy import selectors, services
from earful.privacy.management.commands._shared import organization_by_slug


class Command(BaseCommand):
    help = "Read the audit log of an organization, or prune events past the retention period"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", default="", help="Organization slug")
        parser.add_argument("--action", default="", help="Actions starting with this")
        parser.add_argument("--actor", default="", help="Who (part of the e-mail)")
        parser.add_argument("--limit", type=int, default=50)
        parser.add_argument("--format", choices=["text", "jsonl"], default="text")
        parser.add_argument("--prune", action="store_true", help="Delete events past retention")
        parser.add_argument("--days", type=int, help="With --prune: keep this many days")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["prune"]:
            days = options["days"] or env.get_int("EARFUL_AUDIT_RETENTION_DAYS", 365, minimum=1)
            self.stdout.write(
                f"{services.prune_audit(days=days)} events older than {days} days deleted"
            )
            return
        if not options["org"]:
            raise CommandError("--org: required (or --prune)")
        events = selectors.audit_events(
            organization_by_slug(options["org"]), action=options["action"], actor=options["actor"]
        )
        for event in events[: max(1, options["limit"])]:
            if options["format"] == "jsonl":
                row = {
                    "at": event.at.isoformat(),
                    "actor": event.actor_label,
                    "action": event.action,
                    "target": event.target,
                    "status": event.status,
                    "address": event.address,
                    "details": event.details,
                }
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            else:
                when = f"{event.at:%Y-%m-%d %H:%M:%S}"
                self.stdout.write(
                    f"{when}  {event.actor_label:30}  {event.action:28}  {event.target}"
                )
