"""Synthetic histories: customers with orders on a rhythm, voices, invitations; a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from earful.customers.models import Customer, CustomerEvent, EventType
from earful.customers.tests.factories import CustomerFactory
from earful.feedback.models import FeedbackItem

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def orders(customer: Customer, days_ago: list[int], amount: str = "50.00") -> None:
    CustomerEvent.objects.bulk_create(
        CustomerEvent(
            organization_id=customer.organization_id,
            customer=customer,
            name="order",
            type=EventType.PURCHASE,
            amount=Decimal(amount),
            order_id=f"{customer.external_id}-{d}",
            key=f"purchase:{customer.external_id}-{d}",
            occurred_at=ago(d),
        )
        for d in days_ago
    )


def voice(
    customer: Customer | None,
    text: str,
    *,
    days_ago: int = 30,
    sentiment: str = "neutral",
    hesitant: bool = False,
    score: int | None = None,
    organization=None,
) -> FeedbackItem:
    organization_id = customer.organization_id if customer else organization.pk
    return FeedbackItem.objects.create(
        organization_id=organization_id,
        channel="survey",
        source_key=f"test:{text}:{days_ago}:{customer.pk if customer else 0}",
        customer=customer,
        text=text,
        score=score,
        score_scale="0-10" if score is not None else "",
        received_at=ago(days_ago),
        analyzed_at=ago(days_ago),
        sentiment=sentiment,
        sentiment_score={"negative": -0.8, "neutral": 0.0, "positive": 0.8}[sentiment],
        hesitant=hesitant,
        hesitancy_reason="hedging: fine, I guess" if hesitant else "",
    )


def answer(customer: Customer, tier: str, *, days_ago: int = 20, score: int = 9):
    from earful.surveys.models import Response, Survey

    survey, _ = Survey.objects.get_or_create(
        organization_id=customer.organization_id, title="How are we doing?"
    )
    return Response.objects.create(
        organization_id=customer.organization_id,
        survey=survey,
        customer=customer,
        idempotency_key=f"{customer.pk}-{days_ago}",
        tier=tier,
        score=score,
        submitted_at=ago(days_ago),
    )


@pytest.fixture
def shop(alice):
    """A planted truth: a regular who went quiet after saying 'fine', a superfan, a steady one."""
    org = alice.organization
    leaver = CustomerFactory(organization=org, external_id="leaver", name="Lea Ver")
    orders(leaver, [200, 179, 158, 137, 116, 95, 74], amount="80.00")  # every 21, last 74 ago
    voice(leaver, "It's fine I guess, does the job", days_ago=80, hesitant=True, score=7)
    fan = CustomerFactory(organization=org, external_id="fan", name="Fay Fan")
    orders(fan, [130, 110, 90, 70, 50, 30, 10], amount="120.00")
    voice(
        fan, "Absolutely love it, told all my friends", days_ago=20, sentiment="positive", score=10
    )
    answer(fan, "highly_satisfied", days_ago=20, score=10)
    steady = CustomerFactory(organization=org, external_id="steady", name="Stu Steady")
    orders(steady, [60, 30, 5], amount="20.00")
    return {"leaver": leaver, "fan": fan, "steady": steady}


def settle(organization) -> None:
    """Rows written by a test carry the real clock: move them before NOW (the fake clock)."""
    CustomerEvent.objects.filter(organization=organization).update(created_at=ago(1))
    FeedbackItem.objects.filter(organization=organization).update(created_at=ago(1))
