"""Thank-yous to superfans: a plain thank-you (never a request for a review: see reviews.py),
within the contact budget, through a durable outbox row sent by a task and retried."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from earful.accounts.models import Organization
from earful.customers.models import Customer
from earful.health.models import ThankYou, ThankYouState
from earful.health.services.budget import THANK_YOU, budget_refusals
from earful.health.services.recompute import mark_dirty
from earful.outreach.models import MessageState, OutboundMessage

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class ThankOutcome:
    customer_id: int
    queued: bool
    reason: str = ""


def _body(organization: Organization, customer: Customer, note: str) -> str:
    greeting = f"Hello {customer.name}," if customer.name else "Hello,"
    text = note or (
        f"Thank you for being such a loyal customer of {organization.name}. People like you are "
        "why we keep improving, and we noticed."
    )
    return f"{greeting}\n\n{text}\n\n-- {organization.name}\n"


def thank_customers(
    *,
    organization: Organization,
    customer_ids: Iterable[int],
    note: str = "",
    now: datetime | None = None,
) -> list[ThankOutcome]:
    """Queues a thank-you for each customer the budget allows; says why for the others."""
    now = now or timezone.now()
    customers = list(Customer.objects.filter(organization=organization, pk__in=list(customer_ids)))
    refusals = budget_refusals(organization, customers, now=now)
    outcomes, queued = [], []
    for customer in customers:
        refusal = refusals[customer.pk]
        if refusal is not None:
            outcomes.append(ThankOutcome(customer.pk, False, refusal.text))
            continue
        queued.append(
            ThankYou(
                organization=organization,
                customer=customer,
                subject=f"Thank you from {organization.name}",
                body=_body(organization, customer, note),
            )
        )
        outcomes.append(ThankOutcome(customer.pk, True))
    with transaction.atomic():
        ThankYou.objects.bulk_create(queued)
        ids = [t.pk for t in queued]
        transaction.on_commit(lambda: _enqueue(ids))
    return outcomes


def _enqueue(ids: list[int]) -> None:
    from earful.health.tasks import send_thank_you

    for thank_you_id in ids:
        send_thank_you.enqueue(thank_you_id)


def send_thank_you(*, thank_you_id: int, now: datetime | None = None) -> bool:
    """Sends one queued thank-you; True when this call sent it. Safe to call twice."""
    now = now or timezone.now()
    claimed = ThankYou.objects.filter(pk=thank_you_id, state=ThankYouState.QUEUED).update(
        attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return False
    thanks = ThankYou.objects.select_related("customer").get(pk=thank_you_id)
    customer = thanks.customer
    if customer.unsubscribed_at is not None or not customer.email:
        ThankYou.objects.filter(pk=thanks.pk).update(
            state=ThankYouState.FAILED, last_error="unsubscribed or no email address"
        )
        return False
    try:
        EmailMessage(subject=thanks.subject, body=thanks.body, to=[customer.email]).send()
    except Exception as exc:  # any backend failure: retried by the sweep, then given up on
        state = ThankYouState.FAILED if thanks.attempts >= MAX_ATTEMPTS else ThankYouState.QUEUED
        ThankYou.objects.filter(pk=thanks.pk).update(state=state, last_error=str(exc)[:2000])
        return False
    with transaction.atomic():
        ThankYou.objects.filter(pk=thanks.pk).update(state=ThankYouState.SENT, sent_at=now)
        # The outbox log: the contact budget of every later invitation counts this message.
        OutboundMessage.objects.create(
            organization_id=thanks.organization_id,
            customer=customer,
            kind=THANK_YOU,
            state=MessageState.SENT,
            send_after=now,
            sent_at=now,
        )
        mark_dirty(organization_id=thanks.organization_id, customer_ids=[customer.pk])
    return True


def send_queued_thanks(*, now: datetime | None = None) -> int:
    """The sweep's safety net: thank-yous whose task was lost, or that failed and may retry."""
    pending = ThankYou.objects.filter(state=ThankYouState.QUEUED).values_list("pk", flat=True)
    return sum(send_thank_you(thank_you_id=pk, now=now) for pk in list(pending[:500]))
