"""The contact budget applied to what health suggests or sends (thank-yous, check-ins): the
organization's own outreach budget, counting every message Earful sent, thank-yous included."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from earful.accounts.models import Organization
from earful.customers.models import Customer
from earful.health.models import ThankYou, ThankYouState
from earful.outreach.budget import (
    Contact,
    Refusal,
    budget_refusal,
    reachability_refusal,
)
from earful.outreach.selectors import contacts_by_customer, policy_for

THANK_YOU = "thank_you"


def budget_refusals(
    organization: Organization, customers: Iterable[Customer], *, now: datetime
) -> dict[int, Refusal | None]:
    """For each customer: None when one more message fits the budget now, else why not.
    Two queries (messages, thank-yous), whatever the number of customers."""
    customers = list(customers)
    budget = policy_for(organization).budget
    since = now - budget.look_back
    ids = [c.pk for c in customers]
    history = contacts_by_customer(ids, since=since)
    thanks = ThankYou.objects.filter(
        customer_id__in=ids,
        created_at__gte=since,
        state__in=[ThankYouState.QUEUED, ThankYouState.SENT],
    ).values_list("customer_id", "created_at", "sent_at")
    for customer_id, created_at, sent_at in thanks:
        history[customer_id].append(Contact(sent_at or created_at, THANK_YOU))
    refusals: dict[int, Refusal | None] = {}
    for customer in customers:
        refusals[customer.pk] = reachability_refusal(
            email=customer.email, unsubscribed=customer.unsubscribed_at is not None
        ) or budget_refusal(
            contacts=_unique(history.get(customer.pk, [])),
            survey_id=0,  # no survey: only the cooldown and the cap apply
            recontact_days=0,
            budget=budget,
            now=now,
        )
    return refusals


def _unique(contacts: list[Contact]) -> list[Contact]:
    """A sent thank-you is in the outbox log too: count it once."""
    seen, kept = set(), []
    for c in contacts:
        if (c.at, c.kind) not in seen:
            seen.add((c.at, c.kind))
            kept.append(c)
    return kept
