"""The contact policy (cooldown and cap across every survey) through the API."""

from __future__ import annotations

import json


def put(client, body):
    return client.put("/api/v1/contact-policy", json.dumps(body), content_type="application/json")


def test_the_contact_policy_has_the_documented_defaults(alice):
    policy = alice.api.get("/api/v1/contact-policy").json()
    assert policy == {"cooldown_days": 7, "cap_messages": 4, "cap_window_days": 30}


def test_the_contact_policy_is_changed_for_this_organization_only(alice, charlie):
    assert (
        put(alice.api, {"cooldown_days": 14, "cap_messages": 2, "cap_window_days": 60}).status_code
        == 200
    )
    assert alice.api.get("/api/v1/contact-policy").json()["cooldown_days"] == 14
    assert charlie.api.get("/api/v1/contact-policy").json()["cooldown_days"] == 7


def test_a_cap_of_zero_is_refused_naming_the_field(alice):
    response = put(alice.api, {"cap_messages": 0})
    assert response.status_code == 422
    assert "cap_messages" in json.dumps(response.json())


def test_a_viewer_cannot_change_the_policy(persona_with_role):
    viewer = persona_with_role("viewer")
    assert put(viewer.api, {"cooldown_days": 1}).status_code == 403
