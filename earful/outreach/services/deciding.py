"""Deciding new invitations within the contact budget, shared by direct sends and journeys.

Every decision (queued or skipped, with its reason) becomes a ContactDecision row; a queued one
also an Invitation and its OutboundMessage (the outbox row the worker sends).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from earful.customers.models import Customer, CustomerEvent
from earful.outreach import selectors
from earful.outreach.budget import (
    INVITATION,
    UNKNOWN_CUSTOMER,
    Budget,
    Contact,
    Refusal,
    budget_refusal,
    reachability_refusal,
)
from earful.outreach.models import (
    ContactDecision,
    Decision,
    Invitation,
    OutboundMessage,
    SurveyOutreachSettings,
)
from earful.outreach.services.sending import enqueue_sends
from earful.outreach.window import next_send_time, zone_or_utc
from earful.surveys.models import Survey

BATCH = 500


@dataclass(frozen=True)
class InviteOutcome:
    customer: str
    status: str  # queued | skipped
    reason: str = ""
    code: str = ""
    send_after: datetime | None = None


@dataclass(frozen=True)
class Target:
    ref: str
    customer: Customer | None
    event: CustomerEvent | None = None


@dataclass
class Batch:
    invitations: list[Invitation]
    messages: list[OutboundMessage]
    decisions: list[ContactDecision]
    outcomes: list[InviteOutcome]


def _schedule_text(at: datetime, tz_name: str, now: datetime) -> str:
    if at <= now:
        return ""
    local = at.astimezone(zone_or_utc(tz_name))
    return f"scheduled for {local:%Y-%m-%d %H:%M} {local.tzname()} (send window)"


def _refusal(
    customer: Customer | None,
    history: list[Contact],
    survey: Survey,
    *,
    now: datetime,
    budget: Budget,
    conf: SurveyOutreachSettings,
) -> Refusal | None:
    if customer is None:
        return UNKNOWN_CUSTOMER
    return reachability_refusal(
        email=customer.email, unsubscribed=customer.unsubscribed_at is not None
    ) or budget_refusal(
        contacts=history,
        survey_id=survey.pk,
        recontact_days=conf.recontact_days,
        budget=budget,
        now=now,
    )


def _queue(batch: Batch, survey: Survey, target: Target, send_after: datetime) -> None:
    assert target.customer is not None
    invitation = Invitation(
        organization_id=survey.organization_id,
        survey=survey,
        customer=target.customer,
        trigger_event=target.event,
    )
    batch.invitations.append(invitation)
    batch.messages.append(
        OutboundMessage(
            organization_id=survey.organization_id,
            customer=target.customer,
            survey=survey,
            invitation=invitation,
            kind=INVITATION,
            send_after=send_after,
        )
    )


def decide_invitations(
    survey: Survey,
    targets: Sequence[Target],
    *,
    now: datetime,
    budget: Budget,
    conf: SurveyOutreachSettings,
) -> Batch:
    """Applies the budget to each target, in order; builds (unsaved) rows for the outcome."""
    known = [t.customer.pk for t in targets if t.customer]
    since = now - max(budget.look_back, timedelta(days=conf.recontact_days))
    history = selectors.contacts_by_customer(known, since=since)
    batch = Batch([], [], [], [])
    for target in targets:
        customer = target.customer
        contacts = history[customer.pk] if customer else []
        refusal = _refusal(customer, contacts, survey, now=now, budget=budget, conf=conf)
        send_after, text = None, refusal.text if refusal else ""
        if customer is not None and refusal is None:
            send_after = next_send_time(now, customer.timezone, conf.window)
            text = _schedule_text(send_after, customer.timezone, now)
            _queue(batch, survey, target, send_after)
            contacts.append(Contact(send_after, INVITATION, survey.pk, survey.title))
        status = Decision.SKIPPED if refusal else Decision.QUEUED
        batch.decisions.append(
            ContactDecision(
                organization_id=survey.organization_id,
                survey=survey,
                customer=customer,
                customer_ref=target.ref,
                kind=INVITATION,
                decision=status,
                reason_code=refusal.code if refusal else "",
                reason=text[:300],
                decided_at=now,
                trigger_event=target.event,
            )
        )
        code = refusal.code if refusal else ""
        batch.outcomes.append(InviteOutcome(target.ref, status, text, code, send_after))
    return batch


def save_batch(batch: Batch, *, now: datetime) -> None:
    Invitation.objects.bulk_create(batch.invitations)
    for message in batch.messages:
        message.invitation_id = message.invitation.pk  # type: ignore[union-attr]
    OutboundMessage.objects.bulk_create(batch.messages)
    ContactDecision.objects.bulk_create(batch.decisions)
    due = [m.pk for m in batch.messages if m.send_after <= now]
    if due:
        transaction.on_commit(lambda: enqueue_sends(due))


def locked_customers(organization_id: int, **lookup: object) -> list[Customer]:
    """Locks the customers' rows (PostgreSQL) so two concurrent sends share one budget."""
    return list(
        Customer.objects.select_for_update()
        .filter(organization_id=organization_id, **lookup)
        .order_by("pk")
    )
