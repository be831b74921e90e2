from __future__ import annotations

from typing import Any

from earful.core.sweep_command import SweepCommand
from earful.health.services.sweep import sweep


class Command(SweepCommand):
    help = (
        "Recompute the health of customers whose data changed or whose score is due, in every "
        "organization, and send thank-yous left queued. Used as `earful health-sweep`."
    )

    def sweep_once(self, options: dict[str, Any]) -> str:
        return str(sweep())
