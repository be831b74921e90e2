from __future__ import annotations

from typing import Any

from earful.core.sweep_command import SweepCommand
from earful.surveys.services.expanding import PAUSE, expand_responses


class Command(SweepCommand):
    help = (
        "Write the Answer rows and feedback items of accepted responses not expanded yet "
        "(the worker does it as answers arrive; this sweep catches anything left). "
        "Used as `earful expand-answers`."
    )

    def sweep_once(self, options: dict[str, Any]) -> str:
        return f"expanded {expand_responses(pause=PAUSE)} responses"
