"""/api/v1/cases: agents work cases, viewers read, analysts read the numbers; bad input is a 422
naming the field; another organization's ids are 404; lists do not grow in queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.cases.models import Case
from earful.cases.services import add_root_cause, make_commitment
from earful.cases.tests.conftest import a_case, customer, make_item, wall

JSON = "application/json"


def _post(persona, path, body):
    return persona.api.post(f"/api/v1/cases{path}", body, content_type=JSON)


@pytest.fixture
def agent_p(persona_with_role):
    return persona_with_role("agent")


def _tomorrow_at_10(who):
    local = timezone.now().astimezone(__import__("zoneinfo").ZoneInfo(who.timezone))
    return (
        (local + timedelta(days=1))
        .replace(hour=10, minute=0, second=0, microsecond=0, tzinfo=None)
        .isoformat()
    )


def test_an_agent_opens_works_and_resolves_a_case(org, agent_p):
    jane = customer(org, "America/New_York")
    item = make_item(org, "Refund still missing", customer=jane)
    made = _post(agent_p, "", {"item": item.pk})
    assert made.status_code == 201, made.json()
    case = made.json()
    assert (case["customer"], case["owner"], case["items"]) == (
        jane.pk,
        agent_p.member.pk,
        [item.pk],
    )
    assert case["due"]["text"].startswith(("due in", "overdue"))
    reply = _post(agent_p, f"/{case['id']}/notes", {"text": "Called Jane", "kind": "reply"})
    assert reply.status_code == 201
    cause = add_root_cause(organization=org, name="Refund batch failed")
    resolved = _post(
        agent_p,
        f"/{case['id']}/status",
        {"status": "resolved", "what_was_done": "Refunded by hand", "root_cause": cause.pk},
    )
    assert resolved.status_code == 200
    assert resolved.json()["resolution"]["root_cause"] == "Refund batch failed"
    assert resolved.json()["first_response_at"] is not None


def test_a_commitment_is_entered_in_the_customers_time(org, agent_p):
    jane = customer(org, "America/New_York")
    body = {"customer": jane.pk, "what": "Call back", "due_local": _tomorrow_at_10(jane)}
    made = _post(agent_p, "/commitments", body)
    assert made.status_code == 201, made.json()
    out = made.json()
    assert out["timezone"] == "America/New_York"
    assert "T10:00:00" in out["due_customer_time"]
    assert out["owner"] == agent_p.member.pk
    kept = _post(agent_p, f"/commitments/{out['id']}/outcome", {"outcome": "kept"})
    assert kept.json()["outcome"] == "kept"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"due_local": "2020-01-01T10:00"}, "due_local"),
        ({"timezone": "Nowhere/Land"}, "timezone"),
        ({"owner": "CHARLIE"}, "owner"),
        ({"what": ""}, "what"),
    ],
)
def test_bad_commitments_are_422_naming_the_field(org, agent_p, charlie, body, field):
    jane = customer(org)
    given = {"customer": jane.pk, "what": "Call", "due_local": _tomorrow_at_10(jane), **body}
    if given.get("owner") == "CHARLIE":
        given["owner"] = charlie.member.pk
    answer = _post(agent_p, "/commitments", given)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == field


def test_a_closed_case_edited_is_422_and_an_owner_from_another_org_too(org, agent_p, charlie):
    case = a_case(org)
    path = f"/api/v1/cases/{case.pk}"
    bad_owner = agent_p.api.patch(path, {"owner": charlie.member.pk}, content_type=JSON)
    assert bad_owner.status_code == 422
    assert bad_owner.json()["detail"][0]["field"] == "owner"
    _post(agent_p, f"/{case.pk}/status", {"status": "resolved", "what_was_done": "Fixed"})
    _post(agent_p, f"/{case.pk}/status", {"status": "closed"})
    note = _post(agent_p, f"/{case.pk}/notes", {"text": "one more"})
    assert note.status_code == 422
    assert note.json()["detail"] == [
        {"field": "status", "message": "the case is closed: reopen it to change it"}
    ]
    commitment = _post(
        agent_p,
        "/commitments",
        {
            "customer": case.customer_id,
            "case": case.pk,
            "what": "x",
            "due_local": _tomorrow_at_10(case.customer),
        },
    )
    assert commitment.json()["detail"][0]["field"] == "case"


def test_charlie_gets_404_for_every_case_route(org, charlie):
    case = a_case(org)
    promise = make_commitment(
        customer=case.customer,
        what="x",
        owner=org.members.first(),
        due_local=wall("2031-01-01 10:00"),
        now=timezone.now(),
    )
    for method, path, body in [
        ("get", f"/{case.pk}", None),
        ("patch", f"/{case.pk}", {"priority": "low"}),
        ("post", f"/{case.pk}/notes", {"text": "hi"}),
        ("post", f"/{case.pk}/status", {"status": "in_progress"}),
        ("get", f"/commitments/{promise.pk}", None),
        ("post", f"/commitments/{promise.pk}/outcome", {"outcome": "kept"}),
        (
            "post",
            "/commitments",
            {"customer": case.customer_id, "what": "x", "due_local": "2031-01-01T10:00"},
        ),
        ("post", "", {"customer": case.customer_id}),
    ]:
        call = getattr(charlie.api, method)
        answer = (
            call(f"/api/v1/cases{path}", body, content_type=JSON)
            if body
            else call(f"/api/v1/cases{path}")
        )
        assert answer.status_code == 404, (method, path, answer.content)
    assert charlie.api.get("/api/v1/cases").json() == []
    assert charlie.api.get("/api/v1/cases/commitments").json() == []
    assert charlie.api.get("/api/v1/cases/numbers").json()["team"]["cases"] == 0


def test_viewers_read_agents_work_analysts_see_numbers(org, persona_with_role, bob):
    viewer = persona_with_role("viewer")
    case = a_case(org)
    assert viewer.api.get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert _post(viewer, f"/{case.pk}/notes", {"text": "hi"}).status_code == 403
    assert viewer.api.get("/api/v1/cases/numbers").status_code == 403
    assert bob.api.get("/api/v1/cases/numbers").status_code == 200
    assert _post(bob, f"/{case.pk}/notes", {"text": "hi"}).status_code == 403


def _queries(persona, path):
    with CaptureQueriesContext(connection) as seen:
        assert persona.api.get(path).status_code == 200
    return len(seen)


def test_lists_take_the_same_queries_for_few_and_many_rows(org, alice):
    now = timezone.now()
    for _ in range(2):
        c = a_case(org, now=now)
        make_commitment(
            customer=c.customer,
            what="x",
            owner=alice.member,
            due_local=wall("2031-01-01 10:00"),
            now=now,
        )
    paths = [
        "/api/v1/cases",
        "/api/v1/cases?view=breaching",
        "/api/v1/cases/commitments?view=all",
        "/api/v1/cases/numbers",
    ]
    _queries(alice, paths[0])  # the token's first use is written once
    few = [_queries(alice, p) for p in paths]
    for _ in range(6):
        c = a_case(org, now=now)
        make_commitment(
            customer=c.customer,
            what="x",
            owner=alice.member,
            due_local=wall("2031-01-01 10:00"),
            now=now,
        )
    assert [_queries(alice, p) for p in paths] == few
    assert Case.objects.count() == 8
