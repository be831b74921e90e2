"""The periodic sweep (`earful alerts-sweep`, and `earful worker` through `start_sweeper` or
`sweep_alerts`): evaluate the periodic rules, then deliver whatever is due. Idempotent."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from earful.alerts.services.evaluating import evaluate_periodic
from earful.alerts.services.sending import DeliveryReport, deliver_due
from earful.core.periodic import start_periodic


@dataclass(frozen=True)
class SweepReport:
    fired: int
    delivery: DeliveryReport

    def __str__(self) -> str:
        return f"fired {self.fired}, {self.delivery}"

    def __bool__(self) -> bool:  # the worker logs a round only when something happened
        d = self.delivery
        return bool(self.fired or d.sent or d.failed or d.requeued or d.digests)


def sweep_alerts(*, now: datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    fired = evaluate_periodic(now=now)
    return SweepReport(fired=fired, delivery=deliver_due(now=now))


def start_sweeper(every: float) -> threading.Event:
    """Runs `sweep_alerts` every `every` seconds in a daemon thread (inside `earful worker`);
    set the returned event to stop it."""
    return start_periodic(name="alerts", every=every, sweep=sweep_alerts)
