"""The periodic sweep (`earful health-sweep`, and `earful worker` every
EARFUL_HEALTH_SWEEP_SECONDS): every organization's scores that changed or are due, then
thank-yous whose task was lost. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from earful.health.services.recompute import sweep_health
from earful.health.services.thanks import send_queued_thanks


@dataclass(frozen=True)
class HealthSweepReport:
    customers: int
    changed: int
    thanked: int

    def __str__(self) -> str:
        return (
            f"{self.customers} customers recomputed, {self.changed} scores changed, "
            f"{self.thanked} thank-yous sent"
        )


def sweep(*, now: datetime | None = None) -> HealthSweepReport:
    now = now or timezone.now()
    report = sweep_health(now=now)
    return HealthSweepReport(report.customers, report.changed, send_queued_thanks(now=now))
