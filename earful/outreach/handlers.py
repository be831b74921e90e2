"""Receivers of other apps' signals: they only enqueue."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from earful.customers.signals import events_recorded
from earful.outreach import tasks
from earful.surveys.signals import response_submitted


@receiver(events_recorded)
def enqueue_journey_triggers(sender: Any, organization_id: int, **kwargs: Any) -> None:
    # Sent on commit already; a trigger with a delay is picked up later by the sweep.
    tasks.run_journey_triggers.enqueue(organization_id)


@receiver(response_submitted)
def enqueue_invitation_answered(
    sender: Any, response_id: int, invitation_id: int | None = None, **kwargs: Any
) -> None:
    # Sent on commit already. Only answers that came through an invitation's link concern us;
    # should this message be lost, the sweep still matches the answer by customer.
    if invitation_id is not None:
        tasks.mark_invitation_answered.enqueue(invitation_id, response_id)
