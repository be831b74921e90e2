"""Alerts test helpers: feedback items written straight to the database (no enrichment runs),
rules and destinations through the services, a fixed clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from earful.accounts.models import Organization
from earful.alerts.models import AlertRule, Destination
from earful.alerts.services import create_destination, create_rule
from earful.core import outbound
from earful.feedback.models import FeedbackItem

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)  # a Wednesday afternoon
_keys = itertools.count(1)


def make_item(organization: Organization, text: str = "Some words", **fields: Any) -> FeedbackItem:
    fields.setdefault("channel", "ticket")
    fields.setdefault("received_at", NOW - timedelta(hours=1))
    fields.setdefault("source_key", f"test:{next(_keys)}")
    return FeedbackItem.objects.create(organization=organization, text=text, **fields)


def make_rule(
    organization: Organization,
    kind: str,
    destinations: list[Destination] | None = None,
    **parameters: Any,
) -> AlertRule:
    return create_rule(
        organization=organization,
        name=f"{kind} rule",
        kind=kind,
        parameters=parameters,
        destination_ids=[d.pk for d in destinations or []],
    )


def email_destination(organization: Organization, *emails: str) -> Destination:
    return create_destination(
        organization=organization,
        name="CX team",
        kind="email",
        emails=list(emails or ["cx@a.test"]),
    )


@pytest.fixture
def org(alice) -> Organization:
    return alice.organization


PUBLIC_ADDRESS = "93.184.216.34"  # a public address; nothing connects to it in these tests


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch) -> dict[str, list[str]]:
    """The resolver at the edge of the outside world: names in the returned dict resolve to
    their addresses, any other `*.test` / `*.example` name to a public address; nothing is
    looked up on the network."""
    names: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host in names:
            return names[host]
        return [PUBLIC_ADDRESS]

    monkeypatch.setattr(outbound, "resolve", resolve)
    return names
