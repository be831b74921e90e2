"""Unsubscribing from an invitation's link: no more messages of any kind, on any survey."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from earful.customers.services import unsubscribe_customer
from earful.outreach.budget import UNSUBSCRIBED
from earful.outreach.models import Invitation, MessageState, OutboundMessage
from earful.outreach.services.sending import cancel_messages, record_skipped


@transaction.atomic
def unsubscribe_by_invitation(*, invitation: Invitation, now: datetime | None = None) -> int:
    """The invited customer unsubscribes: every queued message to them is cancelled, each
    recorded as a decision skipped for 'unsubscribed'. Returns how many were cancelled.

    Safe to repeat. A message a worker is sending at this very moment still goes out; the
    budget refuses everything after."""
    now = now or timezone.now()
    customer = unsubscribe_customer(customer=invitation.customer, now=now)
    queued = list(
        OutboundMessage.objects.select_for_update(of=("self",))
        .filter(customer=customer, state=MessageState.QUEUED)
        .select_related("customer")
    )
    cancelled = cancel_messages(queued, state=MessageState.QUEUED, why="unsubscribed", now=now)
    record_skipped(queued, UNSUBSCRIBED, now)
    return cancelled
