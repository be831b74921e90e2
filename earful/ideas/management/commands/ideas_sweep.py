from __future__ import annotations

from typing import Any

from earful.core.sweep_command import SweepCommand
from earful.ideas.services.sweep import sweep_ideas


class Command(SweepCommand):
    help = (
        "Periodic ideas work: store the vectors ideas lack, and send the release notes the "
        "contact budget held back, one digest per customer. Used as `earful ideas-sweep`."
    )

    def sweep_once(self, options: dict[str, Any]) -> str:
        return str(sweep_ideas())
