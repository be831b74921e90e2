"""Receivers of other apps' signals: they only enqueue."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from earful.customers.signals import events_recorded
from earful.outreach.tasks import run_journey_triggers


@receiver(events_recorded)
def enqueue_journey_triggers(sender: Any, organization_id: int, **kwargs: Any) -> None:
    # Sent on commit already; a trigger with a delay is picked up later by the sweep.
    run_journey_triggers.enqueue(organization_id)
