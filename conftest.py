"""Personas shared by every test (STYLE.md): alice owns org A, bob is an analyst in org A,
charlie owns org B. Each has a signed-in test client and an API client with a bearer token."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Role
from earful.accounts.services import add_member, create_api_token, create_organization


@dataclass
class Persona:
    member: Member
    token: str
    client: Client  # signed in, for pages
    api: Client  # sends `Authorization: Bearer <token>`, for /api/v1

    @property
    def organization(self) -> Organization:
        return self.member.organization


def _persona(member: Member) -> Persona:
    token = create_api_token(member=member, name="tests").raw
    client = Client()
    client.force_login(member.user)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    return Persona(member=member, token=token, client=client, api=api)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    return


@pytest.fixture
def org_a(db) -> Organization:
    return create_organization(name="Org A", owner_email="alice@a.test").organization


@pytest.fixture
def alice(org_a) -> Persona:
    return _persona(Member.objects.get(organization=org_a, user__email="alice@a.test"))


@pytest.fixture
def bob(org_a) -> Persona:
    member, _ = add_member(organization=org_a, email="bob@a.test", role=Role.ANALYST)
    return _persona(member)


@pytest.fixture
def charlie(db) -> Persona:
    created = create_organization(name="Org B", owner_email="charlie@b.test")
    return _persona(created.owner)


@pytest.fixture
def persona_with_role(org_a):
    """Makes a member of org A with the given role: persona_with_role("viewer")."""

    def make(role: str) -> Persona:
        member, _ = add_member(organization=org_a, email=f"{role}@a.test", role=role)
        return _persona(member)

    return make
