from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from earful.accounts.models import ApiToken, Member, Organization


def createorg(*args: str) -> dict[str, str]:
    """Runs `earful createorg` and returns what it printed as {"password": ..., ...}."""
    out = StringIO()
    call_command("createorg", *args, stdout=out)
    printed = {}
    for line in out.getvalue().splitlines():
        key, sep, value = line.partition(":")
        if sep:
            printed[key.strip()] = value.strip()
    return printed


def test_createorg_prints_a_password_that_signs_the_owner_in(db):
    printed = createorg("--name", "Acme", "--owner-email", "olga@acme.test")
    client = Client()

    signed_in = client.post(
        "/login/",
        {"username": "olga@acme.test", "password": printed["password"], "next": "/customers/"},
    )

    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/customers/"
    page = client.get("/customers/")
    assert page.status_code == 200
    assert "Acme" in page.content.decode()


def test_createorg_prints_an_api_token_that_works_on_the_customers_api(db):
    printed = createorg("--name", "Acme", "--owner-email", "olga@acme.test")
    api = Client(headers={"Authorization": f"Bearer {printed['api token']}"})
    assert api.get("/api/v1/customers").json()["count"] == 0

    created = api.post(
        "/api/v1/customers", json.dumps({"external_id": "cus_1"}), content_type="application/json"
    )
    listed = api.get("/api/v1/customers")

    assert created.status_code == 201
    assert listed.status_code == 200
    assert [c["external_id"] for c in listed.json()["items"]] == ["cus_1"]


def test_createorg_makes_the_user_the_owner_with_a_slug_from_the_name(db):
    printed = createorg("--name", "Acme Corp", "--owner-email", "Olga@Acme.test")

    member = Member.objects.get(organization__slug="acme-corp")
    assert member.role == "owner"
    assert member.user.email == "olga@acme.test"
    assert printed["owner"] == "olga@acme.test"


def test_createorg_stores_only_a_sha256_digest_of_the_token(db):
    raw = createorg("--name", "Acme", "--owner-email", "olga@acme.test")["api token"]

    token = ApiToken.objects.get(member__organization__name="Acme")
    assert raw.startswith("ea_")
    assert len(raw) > 40
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert stored, "the token row exists"
    assert not any(raw in value for value in stored)
    assert not any(value in raw for value in stored if len(value) > 10)


def test_two_organizations_with_the_same_name_get_different_slugs(db):
    createorg("--name", "Acme", "--owner-email", "one@acme.test")
    createorg("--name", "Acme", "--owner-email", "two@acme.test")

    assert sorted(Organization.objects.values_list("slug", flat=True)) == ["acme", "acme-2"]


def test_createorg_for_an_existing_user_does_not_print_or_change_a_password(alice):
    password_hash = alice.member.user.password

    printed = createorg("--name", "Side project", "--owner-email", "alice@a.test")

    assert printed["password"] == "(existing user: unchanged)"
    alice.member.user.refresh_from_db()
    assert alice.member.user.password == password_hash
    assert Member.objects.filter(user=alice.member.user, role="owner").count() == 2


def test_createorg_without_a_name_is_a_clear_error(db):
    with pytest.raises(CommandError, match="name: required"):
        createorg("--name", "  ", "--owner-email", "olga@acme.test")

    assert not Organization.objects.exists()


def test_createorg_with_a_taken_slug_is_a_clear_error_not_a_traceback(org_a):
    with pytest.raises(CommandError, match="slug: 'org-a' is taken"):
        createorg("--name", "Other", "--owner-email", "olga@acme.test", "--slug", "org-a")

    assert not Organization.objects.filter(name="Other").exists()


def test_createorg_with_a_slug_that_is_not_url_safe_is_a_clear_error(db):
    with pytest.raises(CommandError, match="slug: "):
        createorg("--name", "Acme", "--owner-email", "olga@acme.test", "--slug", "acme corp!")

    assert not Organization.objects.exists()


def test_createorg_with_an_owner_email_that_is_not_an_email_is_a_clear_error(db):
    with pytest.raises(CommandError, match="email: 'olga' is not an email address"):
        createorg("--name", "Acme", "--owner-email", "olga")

    assert not Organization.objects.exists()
