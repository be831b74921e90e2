from __future__ import annotations

from typing import Any

from earful.cases.services import sweep_cases
from earful.core.sweep_command import SweepCommand


class Command(SweepCommand):
    help = (
        "Periodic cases work: escalate breached targets once (owner and team lead), remind "
        "owners of commitments coming due, send due notifications. Used as `earful cases-sweep`."
    )

    def sweep_once(self, options: dict[str, Any]) -> str:
        return str(sweep_cases())
