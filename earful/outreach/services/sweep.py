"""The sweep: run every minute or so (`earful outreach-sweep`). Each step is idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from earful.outreach.services.answers import mark_answered_invitations
from earful.outreach.services.reminders import schedule_reminders
from earful.outreach.services.sending import enqueue_due_messages, requeue_stale_messages
from earful.outreach.services.triggers import run_journey_triggers


@dataclass(frozen=True)
class SweepReport:
    requeued: int
    answered: int
    reminders: int
    triggered: int
    due: int


def sweep_outreach(*, now: datetime | None = None) -> SweepReport:
    """Everything periodic, in order; each step is idempotent and safe to rerun."""
    now = now or timezone.now()
    return SweepReport(
        requeued=requeue_stale_messages(now=now),
        answered=mark_answered_invitations(now=now),
        reminders=schedule_reminders(now=now),
        triggered=run_journey_triggers(now=now),
        due=enqueue_due_messages(now=now),
    )
