"""Members and tokens through the API: what the Members and API tokens pages do."""

from __future__ import annotations

import json
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from earful.accounts.models import ApiToken, Member


def send(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def test_an_owner_invites_changes_and_removes_a_member(alice):
    invited = send(alice.api, "post", "/api/v1/members", {"email": "dan@a.test", "role": "agent"})
    assert invited.status_code == 201
    assert invited.json()["password"]
    member_id = invited.json()["id"]
    changed = send(alice.api, "patch", f"/api/v1/members/{member_id}", {"role": "analyst"})
    assert changed.json()["role"] == "analyst"
    assert alice.api.delete(f"/api/v1/members/{member_id}").status_code == 204
    assert not Member.objects.filter(pk=member_id).exists()


def test_a_bad_role_is_refused_naming_the_field(alice):
    response = send(alice.api, "post", "/api/v1/members", {"email": "x@a.test", "role": "boss"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "role"


def test_the_last_owner_cannot_be_removed(alice):
    response = alice.api.delete(f"/api/v1/members/{alice.member.pk}")
    assert response.status_code == 422


def test_charlie_gets_404_for_another_organizations_member(alice, charlie):
    url = f"/api/v1/members/{alice.member.pk}"
    assert send(charlie.api, "patch", url, {"role": "viewer"}).status_code == 404
    assert charlie.api.delete(url).status_code == 404
    assert [m["email"] for m in charlie.api.get("/api/v1/members").json()] == ["charlie@b.test"]


def test_a_read_only_token_reads_and_cannot_write(alice):
    made = send(alice.api, "post", "/api/v1/tokens", {"name": "dashboard", "scope": "read"})
    assert made.status_code == 201
    reader = Client(headers={"Authorization": f"Bearer {made.json()['token']}"})
    assert reader.get("/api/v1/surveys").status_code == 200
    refused = send(reader, "post", "/api/v1/surveys", {"title": "x", "questions": []})
    assert refused.status_code == 403
    assert "read-only" in refused.content.decode()


def test_an_expired_token_is_refused(alice):
    made = send(
        alice.api,
        "post",
        "/api/v1/tokens",
        {"name": "short", "expires_at": (timezone.now() + timedelta(days=1)).isoformat()},
    ).json()
    ApiToken.objects.filter(pk=made["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = Client(headers={"Authorization": f"Bearer {made['token']}"})
    assert expired.get("/api/v1/surveys").status_code == 401


def test_an_expiry_in_the_past_is_refused_naming_the_field(alice):
    response = send(
        alice.api, "post", "/api/v1/tokens", {"name": "x", "expires_at": "2020-01-01T00:00:00Z"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "expires_at"


def test_a_token_is_revoked_and_stops_working(alice):
    made = send(alice.api, "post", "/api/v1/tokens", {"name": "temp"}).json()
    assert alice.api.delete(f"/api/v1/tokens/{made['id']}").status_code == 204
    gone = Client(headers={"Authorization": f"Bearer {made['token']}"})
    assert gone.get("/api/v1/surveys").status_code == 401


def test_charlie_cannot_revoke_alices_token(alice, charlie):
    made = send(alice.api, "post", "/api/v1/tokens", {"name": "mine"}).json()
    assert charlie.api.delete(f"/api/v1/tokens/{made['id']}").status_code == 404


def test_the_tokens_page_makes_a_read_only_token_with_an_expiry(alice):
    day = (timezone.now() + timedelta(days=30)).date().isoformat()
    alice.client.post("/settings/tokens/", {"name": "ro", "scope": "read", "expires_on": day})
    token = ApiToken.objects.get(name="ro")
    assert token.scope == "read"
    assert token.expires_at.date().isoformat() == day
