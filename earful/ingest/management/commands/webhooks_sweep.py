"""`earful webhooks-sweep [--every N] [--settled S]`: record the webhook receipts a lost task
left unprocessed (accepted, stored, items not written yet) and forget old refused ones."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from earful.ingest.services.webhooks import SETTLE_SECONDS, sweep_webhooks


class Command(BaseCommand):
    help = (
        "Write the items of accepted webhook requests whose task was lost. "
        "Used as `earful webhooks-sweep`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="Repeat every N seconds (default: run once)"
        )
        parser.add_argument(
            "--settled",
            type=int,
            default=SETTLE_SECONDS,
            help=(
                f"Leave receipts younger than S seconds to their task (default {SETTLE_SECONDS})"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            recorded = sweep_webhooks(settled=options["settled"])
            self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} recorded {recorded} receipts")
            if not options["every"]:
                return
            time.sleep(options["every"])
