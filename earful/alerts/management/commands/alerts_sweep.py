from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from earful.alerts.services import sweep_alerts


class Command(BaseCommand):
    help = (
        "Periodic alerts work: evaluate theme spikes, viral risk and anything missed, then "
        "deliver due alerts and digests (retries included). Used as `earful alerts-sweep`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="Repeat every N seconds (default: run once)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            self.stdout.write(str(sweep_alerts()))
            if not options["every"]:
                return
            time.sleep(options["every"])
