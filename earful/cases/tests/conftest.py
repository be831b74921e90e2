"""Cases test helpers: a fixed clock, an org with a zone and business hours, agents with their
own zones, customers in theirs."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Role
from earful.accounts.services import add_member
from earful.cases.models import Case, Cause
from earful.cases.services import open_case, set_agent_profile, subject_of, update_case_settings
from earful.customers.models import Customer
from earful.customers.tests.factories import CustomerFactory
from earful.feedback.models import FeedbackItem

# Tuesday 10 March 2026, 14:00 UTC: the US is on summer time since Sunday, Europe not yet.
NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
_keys = itertools.count(1)


def wall(text: str) -> datetime:
    """A wall-clock time without a zone (as a person types it): "2026-03-09 10:00"."""
    return datetime.fromisoformat(text)


def make_item(organization: Organization, text: str = "Not happy", **fields: Any) -> FeedbackItem:
    fields.setdefault("channel", "survey")
    fields.setdefault("received_at", NOW - timedelta(hours=1))
    fields.setdefault("source_key", f"cases-test:{next(_keys)}")
    return FeedbackItem.objects.create(organization=organization, text=text, **fields)


def agent(organization: Organization, email: str, zone: str = "Europe/Paris") -> Member:
    member, _ = add_member(organization=organization, email=email, role=Role.AGENT)
    set_agent_profile(member=member, timezone=zone)
    return member


def customer(organization: Organization, zone: str = "America/New_York", **fields: Any) -> Customer:
    return CustomerFactory(organization=organization, timezone=zone, **fields)


def a_case(
    organization: Organization,
    who: Customer | None = None,
    *,
    now: datetime = NOW,
    cause: str = Cause.DETRACTOR,
    **kwargs: Any,
) -> Case:
    who = who or customer(organization)
    case, _ = open_case(
        organization=organization,
        subject=subject_of(customer=who),
        cause=cause,
        title=f"Follow up with {who}",
        now=now,
        **kwargs,
    )
    return case


@pytest.fixture
def org(alice) -> Organization:
    update_case_settings(organization=alice.organization, timezone="Europe/Paris")
    return alice.organization


@pytest.fixture
def dana(org) -> Member:
    """An agent in Los Angeles."""
    return agent(org, "dana@a.test", "America/Los_Angeles")
