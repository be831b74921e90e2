from __future__ import annotations

import pytest

from earful.customers.tests.factories import CustomerFactory
from earful.ideas.services.similarity import forget_matrices


@pytest.fixture(autouse=True)
def _fresh_matrices():
    forget_matrices()
    yield
    forget_matrices()


@pytest.fixture
def make_customer(alice):
    def make(name: str, email: str | None = None, **extra):
        return CustomerFactory(
            organization=alice.organization,
            external_id=f"cus-{name}",
            name=name,
            email=f"{name.lower()}@x.test" if email is None else email,
            **extra,
        )

    return make


@pytest.fixture
def slug(alice):
    return alice.organization.slug
