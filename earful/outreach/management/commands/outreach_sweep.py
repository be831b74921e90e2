from __future__ import annotations

from typing import Any

from earful.core.sweep_command import SweepCommand
from earful.outreach.services import sweep_outreach


class Command(SweepCommand):
    help = (
        "Periodic outreach work: re-queue stuck sends, mark answered invitations, schedule "
        "reminders, run journey triggers, enqueue due messages. Used as `earful outreach-sweep`."
    )

    def sweep_once(self, options: dict[str, Any]) -> str:
        report = sweep_outreach()
        return (
            f"requeued {report.requeued}, answered {report.answered}, "
            f"reminders {report.reminders}, triggered {report.triggered}, due {report.due}"
        )
