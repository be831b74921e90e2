from __future__ import annotations

from typing import Any

from earful.alerts.services import sweep_alerts
from earful.core.sweep_command import SweepCommand


class Command(SweepCommand):
    help = (
        "Periodic alerts work: evaluate theme spikes, viral risk and anything missed, then "
        "deliver due alerts and digests (retries included). Used as `earful alerts-sweep`."
    )

    def sweep_once(self, options: dict[str, Any]) -> str:
        return str(sweep_alerts())
