"""/api/v1/alert-rules: list, create, get, PATCH, delete, a rule's alerts, destinations.
Errors name the field; another organization's ids answer 404."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.alerts.models import AlertRule, Destination, RuleKind
from earful.alerts.services import evaluate_items
from earful.alerts.tests.conftest import NOW, email_destination, make_item, make_rule

URL = "/api/v1/alert-rules"


def _post(persona, url, body):
    return persona.api.post(url, json.dumps(body), content_type="application/json")


def _patch(persona, url, body):
    return persona.api.patch(url, json.dumps(body), content_type="application/json")


def test_a_rule_is_created_read_listed_changed_and_deleted(alice):
    destination = email_destination(alice.organization)
    created = _post(
        alice,
        URL,
        {
            "name": "Bad reviews",
            "kind": "negative_review",
            "parameters": {"stars_at_most": 1},
            "destinations": [destination.pk],
        },
    )
    assert created.status_code == 201, created.content
    rule = created.json()
    assert rule["parameters"] == {"stars_at_most": 1}
    assert rule["destinations"] == [destination.pk]
    assert rule["enabled"] is True
    assert alice.api.get(f"{URL}/{rule['id']}").json()["name"] == "Bad reviews"
    assert [r["id"] for r in alice.api.get(URL).json()] == [rule["id"]]
    changed = _patch(alice, f"{URL}/{rule['id']}", {"enabled": False, "destinations": []})
    assert changed.status_code == 200
    assert changed.json()["enabled"] is False
    assert changed.json()["destinations"] == []
    assert changed.json()["parameters"] == {"stars_at_most": 1}  # not sent: kept
    assert alice.api.delete(f"{URL}/{rule['id']}").status_code == 204
    assert alice.api.get(f"{URL}/{rule['id']}").status_code == 404


def test_defaults_fill_the_parameters_not_given(alice):
    created = _post(alice, URL, {"name": "Viral", "kind": "viral_risk"})
    assert created.json()["parameters"] == {
        "engagements_per_hour": 50.0,
        "reach_per_hour": None,
        "window_hours": 2,
    }


def test_bad_rules_are_refused_with_each_field_and_its_reason(alice, charlie):
    theirs = email_destination(charlie.organization)
    answer = _post(
        alice,
        URL,
        {
            "name": " ",
            "kind": "negative_review",
            "parameters": {"stars_at_most": 9, "colour": "red"},
            "destinations": [theirs.pk],
        },
    )
    assert answer.status_code == 422
    errors = {e["field"]: e["message"] for e in answer.json()["detail"]}
    assert errors == {
        "name": "is required",
        "parameters.colour": "unknown for a negative_review rule; it takes: stars_at_most",
        "parameters.stars_at_most": "must be a whole number from 1 to 5",
        "destinations": f"no such destination: {theirs.pk}",
    }
    kind = _post(alice, URL, {"name": "x", "kind": "everything"})
    assert kind.json()["detail"][0]["field"] == "kind"
    typed = _post(
        alice, URL, {"name": "x", "kind": "detractor", "parameters": {"other_scales": "yes"}}
    )
    assert typed.json()["detail"] == [
        {"field": "parameters.other_scales", "message": "must be true or false"}
    ]
    assert AlertRule.objects.count() == 0


def test_a_patch_with_a_bad_parameter_changes_nothing(alice):
    rule = make_rule(alice.organization, RuleKind.THEME_SPIKE)
    answer = _patch(
        alice, f"{URL}/{rule.pk}", {"name": "New name", "parameters": {"baseline_weeks": 1}}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"field": "parameters.baseline_weeks", "message": "must be a whole number from 2 to 26"}
    ]
    rule.refresh_from_db()
    assert rule.name == "theme_spike rule"
    assert rule.parameters["baseline_weeks"] == 8


def test_a_rules_alerts_come_with_their_deliveries(alice):
    org = alice.organization
    rule = make_rule(org, RuleKind.NEGATIVE_REVIEW, [email_destination(org)])
    item = make_item(org, "Awful", channel="review", score=1, url="https://r.example/1")
    evaluate_items(item_ids=[item.pk], now=NOW)
    [alert] = alice.api.get(f"{URL}/{rule.pk}/alerts").json()
    assert alert["item"] == item.pk
    assert alert["source_url"] == "https://r.example/1"
    assert alert["summary"].startswith("1★ review")
    [delivery] = alert["deliveries"]
    assert delivery["status"] == "pending"
    assert delivery["attempts"] == 0
    assert len(delivery["idempotency_key"]) == 32


def test_destinations_are_created_with_their_secret_and_listed_without_it(alice):
    created = _post(
        alice,
        f"{URL}/destinations",
        {"name": "Ops", "kind": "webhook", "url": "https://hooks.example.test/e"},
    )
    assert created.status_code == 201
    assert created.json()["secret"].startswith("whsec_")
    [listed] = alice.api.get(f"{URL}/destinations").json()
    assert "secret" not in listed
    assert listed["url"] == "https://hooks.example.test/e"
    bad = _post(alice, f"{URL}/destinations", {"name": "CX", "kind": "email", "emails": []})
    assert bad.json()["detail"] == [
        {"field": "emails", "message": "give at least one email address"}
    ]
    assert alice.api.delete(f"{URL}/destinations/{listed['id']}").status_code == 204
    assert Destination.objects.count() == 0


def test_a_viewer_token_reads_rules_but_cannot_write_them(alice, persona_with_role):
    viewer = persona_with_role("viewer")
    rule = make_rule(alice.organization, RuleKind.NEGATIVE_REVIEW)
    assert viewer.api.get(URL).status_code == 200
    assert _post(viewer, URL, {"name": "x", "kind": "detractor"}).status_code == 403
    assert _patch(viewer, f"{URL}/{rule.pk}", {"enabled": False}).status_code == 403
    assert viewer.api.delete(f"{URL}/{rule.pk}").status_code == 403
    assert viewer.api.get(f"{URL}/destinations").status_code == 403


def test_charlie_gets_404_for_another_organizations_rules_and_destinations(alice, charlie):
    rule = make_rule(alice.organization, RuleKind.NEGATIVE_REVIEW)
    destination = email_destination(alice.organization)
    for answer in (
        charlie.api.get(f"{URL}/{rule.pk}"),
        _patch(charlie, f"{URL}/{rule.pk}", {"enabled": False}),
        charlie.api.delete(f"{URL}/{rule.pk}"),
        charlie.api.get(f"{URL}/{rule.pk}/alerts"),
        charlie.api.delete(f"{URL}/destinations/{destination.pk}"),
    ):
        assert answer.status_code == 404
        assert answer.json() == {"detail": [{"field": "id", "message": "not found"}]}
    assert charlie.api.get(URL).json() == []
    assert charlie.api.get(f"{URL}/destinations").json() == []
    assert AlertRule.objects.get(pk=rule.pk).enabled


def test_the_list_costs_the_same_queries_for_2_or_20_rules(alice):
    org = alice.organization
    destination = email_destination(org)
    for _ in range(2):
        make_rule(org, RuleKind.DETRACTOR, [destination])
    alice.api.get(URL)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        alice.api.get(URL)
    for _ in range(18):
        make_rule(org, RuleKind.DETRACTOR, [destination])
    with CaptureQueriesContext(connection) as many:
        assert len(alice.api.get(URL).json()) == 20
    assert len(many) == len(few)
