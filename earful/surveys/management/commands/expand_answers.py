from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from earful.surveys.services.expanding import expand_responses


class Command(BaseCommand):
    help = (
        "Write the Answer rows and feedback items of accepted responses not expanded yet "
        "(the worker does it as answers arrive; this sweep catches anything left). "
        "Used as `earful expand-answers`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="Repeat every N seconds (default: run once)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            self.stdout.write(f"expanded {expand_responses()} responses")
            if not options["every"]:
                return
            time.sleep(options["every"])
