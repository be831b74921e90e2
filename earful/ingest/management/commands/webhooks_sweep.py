"""`earful webhooks-sweep [--every N] [--settled S]`: record the webhook receipts a lost task
left unprocessed (accepted, stored, items not written yet) and forget old refused ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from earful.core.sweep_command import SweepCommand
from earful.ingest.services.webhooks import SETTLE_SECONDS, sweep_webhooks


class Command(SweepCommand):
    help = (
        "Write the items of accepted webhook requests whose task was lost. "
        "Used as `earful webhooks-sweep`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--settled",
            type=int,
            default=SETTLE_SECONDS,
            help=(
                f"Leave receipts younger than S seconds to their task (default {SETTLE_SECONDS})"
            ),
        )

    def sweep_once(self, options: dict[str, Any]) -> str:
        recorded = sweep_webhooks(settled=options["settled"])
        return f"{timezone.now():%Y-%m-%d %H:%M:%S} recorded {recorded} receipts"
