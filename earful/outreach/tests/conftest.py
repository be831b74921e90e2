from __future__ import annotations

from datetime import UTC, datetime

import pytest

from earful.customers.tests.factories import CustomerFactory
from earful.surveys.tests.factories import make_survey

# A Wednesday, 11:00 in Paris: inside the default window for the factories' customers.
NOW = datetime(2025, 3, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def survey(alice):
    return make_survey(alice.organization, title="Relationship NPS")


@pytest.fixture
def other_survey(alice):
    return make_survey(alice.organization, title="Checkout CSAT")


@pytest.fixture
def ann(alice):
    return CustomerFactory(organization=alice.organization, external_id="ext-1", email="ann@x.test")
