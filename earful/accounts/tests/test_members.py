from __future__ import annotations

import pytest

from earful.accounts.models import Member
from earful.accounts.roles import Role


def test_alice_adds_a_member_and_sees_their_first_password_once(alice):
    page = alice.client.post("/settings/members/", {"email": "dora@a.test", "role": "agent"})
    assert page.status_code == 200
    assert page.context["invited"][1] in page.content.decode()
    assert Member.objects.get(user__email="dora@a.test").role == Role.AGENT
    assert "dora@a.test" in alice.client.get("/settings/members/").content.decode()
    assert page.context["invited"][1] not in alice.client.get("/settings/members/").content.decode()


def test_alice_changes_bob_s_role(alice, bob):
    alice.client.post(f"/settings/members/{bob.member.pk}/role/", {"role": "viewer"})
    bob.member.refresh_from_db()
    assert bob.member.role == Role.VIEWER


def test_an_admin_cannot_demote_the_owner(alice, persona_with_role):
    admin = persona_with_role("admin")
    page = admin.client.post(
        f"/settings/members/{alice.member.pk}/role/", {"role": "viewer"}, follow=True
    )
    alice.member.refresh_from_db()
    assert alice.member.role == Role.OWNER
    assert "only an owner" in page.content.decode()


def test_an_admin_cannot_make_themselves_an_owner_by_invitation(persona_with_role):
    admin = persona_with_role("admin")
    page = admin.client.post("/settings/members/", {"email": "admin@a.test", "role": "owner"})
    assert page.status_code == 422
    assert Member.objects.get(user__email="admin@a.test").role == Role.ADMIN


def test_the_last_owner_cannot_leave_or_be_demoted(alice):
    alice.client.post(f"/settings/members/{alice.member.pk}/remove/")
    alice.client.post(f"/settings/members/{alice.member.pk}/role/", {"role": "admin"})
    alice.member.refresh_from_db()
    assert alice.member.role == Role.OWNER


def test_alice_removes_bob(alice, bob):
    alice.client.post(f"/settings/members/{bob.member.pk}/remove/")
    assert not Member.objects.filter(pk=bob.member.pk).exists()


@pytest.mark.parametrize("action", ["role", "remove"])
def test_charlie_gets_404_for_alice_s_members(alice, bob, charlie, action):
    reply = charlie.client.post(f"/settings/members/{bob.member.pk}/{action}/", {"role": "owner"})
    assert reply.status_code == 404
    bob.member.refresh_from_db()
    assert bob.member.role == Role.ANALYST


def test_charlie_s_member_list_shows_only_his_organization(alice, bob, charlie):
    html = charlie.client.get("/settings/members/").content.decode()
    assert "charlie@b.test" in html
    assert "bob@a.test" not in html


def test_an_analyst_cannot_manage_members(bob):
    assert bob.client.get("/settings/members/").status_code == 403


def test_the_member_list_takes_the_same_queries_for_many_members(alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from earful.accounts.services import add_member

    with CaptureQueriesContext(connection) as few:
        alice.client.get("/settings/members/")
    for n in range(10):
        add_member(organization=alice.organization, email=f"m{n}@a.test", role="viewer")
    with CaptureQueriesContext(connection) as many:
        alice.client.get("/settings/members/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_token_list_takes_the_same_queries_for_many_tokens(alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from earful.accounts.services import create_api_token

    with CaptureQueriesContext(connection) as few:
        alice.client.get("/settings/tokens/")
    for n in range(10):
        create_api_token(member=alice.member, name=f"t{n}")
    with CaptureQueriesContext(connection) as many:
        alice.client.get("/settings/tokens/")
    assert len(many.captured_queries) == len(few.captured_queries)
