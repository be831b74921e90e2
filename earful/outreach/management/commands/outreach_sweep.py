from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from earful.outreach.services import sweep_outreach


class Command(BaseCommand):
    help = (
        "Periodic outreach work: re-queue stuck sends, mark answered invitations, schedule "
        "reminders, run journey triggers, enqueue due messages. Used as `earful outreach-sweep`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="Repeat every N seconds (default: run once)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            report = sweep_outreach()
            self.stdout.write(
                f"requeued {report.requeued}, answered {report.answered}, "
                f"reminders {report.reminders}, triggered {report.triggered}, due {report.due}"
            )
            if not options["every"]:
                return
            time.sleep(options["every"])
