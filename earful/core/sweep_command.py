"""The shape every `earful <something>-sweep` command shares: run once, or every N seconds."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class SweepCommand(BaseCommand):
    """A management command that runs `sweep_once` once, or with `--every N` forever, N
    seconds apart (what `earful worker` does in a thread; see earful/core/periodic.py)."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="Repeat every N seconds (default: run once)"
        )

    def sweep_once(self, options: dict[str, Any]) -> str:
        """Runs one sweep; returns the line to print."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            self.stdout.write(self.sweep_once(options))
            if not options["every"]:
                return
            time.sleep(options["every"])
