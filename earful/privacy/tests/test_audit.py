"""The audit log: who changed what, sign-ins and failed ones, append-only, walled per org."""

from __future__ import annotations

import json

from django.test import Client

from earful.privacy.models import AuditEvent
from earful.surveys.tests.factories import make_survey


def test_a_change_through_the_api_is_recorded_with_who_and_what(alice):
    survey = make_survey(alice.organization, published=False)
    alice.api.patch(
        f"/api/v1/surveys/{survey.pk}",
        json.dumps({"title": "Renamed"}),
        content_type="application/json",
        REMOTE_ADDR="198.51.100.7",
    )
    event = AuditEvent.objects.get(method="PATCH")
    assert event.actor_label == "alice@a.test"
    assert event.details["title"] == "Renamed"
    assert event.details["via"] == "api token"
    assert event.address == "198.51.100.7"
    assert event.status == 200
    assert str(survey.pk) in event.target


def test_a_failed_sign_in_is_recorded_without_the_password(alice):
    Client().post("/login/", {"username": "alice@a.test", "password": "wrong-horse"})
    event = AuditEvent.objects.get(action="login.failed")
    assert event.organization == alice.organization
    assert "wrong-horse" not in json.dumps(event.details)


def test_secrets_sent_with_a_change_are_hidden(alice):
    alice.client.post("/settings/tokens/", {"name": "ci", "password": "hunter2"})
    assert "hunter2" not in json.dumps([e.details for e in AuditEvent.objects.all()])


def test_admins_read_the_log_and_filter_it(alice):
    Client().post("/login/", {"username": "alice@a.test", "password": "nope"})
    page = alice.client.get("/privacy/audit/?action=login")
    assert page.status_code == 200
    assert b"login.failed" in page.content
    api = alice.api.get("/api/v1/audit?action=login").json()
    # Newest first: the test client signed alice in (force_login) before the failed try.
    assert [e["action"] for e in api["items"]] == ["login.failed", "login"]


def test_charlie_never_sees_another_organizations_log(alice, charlie):
    Client().post("/login/", {"username": "alice@a.test", "password": "nope"})
    seen = charlie.api.get("/api/v1/audit").json()["items"]
    assert {e["actor"] for e in seen} == {"charlie@b.test"}
    assert b"login.failed" not in charlie.client.get("/privacy/audit/").content


def test_an_analyst_cannot_read_the_log(bob):
    assert bob.api.get("/api/v1/audit").status_code == 403
    assert bob.client.get("/privacy/audit/").status_code == 403
