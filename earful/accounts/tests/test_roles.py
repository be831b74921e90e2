from __future__ import annotations

import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from earful.accounts.roles import Permission, Role

CUSTOMER = {"external_id": "cus_1", "email": "ann@x.test"}


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def csv_upload(text: str) -> dict:
    return {"file": SimpleUploadedFile("customers.csv", text.encode(), "text/csv")}


def test_a_viewer_gets_403_creating_a_customer_through_the_api(persona_with_role, alice):
    viewer = persona_with_role("viewer")

    response = post_json(viewer.api, "/api/v1/customers", CUSTOMER)

    assert response.status_code == 403
    assert response.json() == {
        "detail": [{"field": "role", "message": "Your role (viewer) cannot import customers."}]
    }
    assert alice.api.get("/api/v1/customers").json()["count"] == 0


def test_a_viewer_reads_dashboards_but_not_customers(persona_with_role):
    viewer = persona_with_role("viewer")

    assert viewer.api.get("/api/v1/surveys").status_code == 200
    assert viewer.client.get("/surveys/").status_code == 200
    assert viewer.api.get("/api/v1/customers").status_code == 403
    assert viewer.client.get("/customers/").status_code == 403


def test_an_agent_views_customers_but_cannot_import_them(persona_with_role, alice):
    post_json(alice.api, "/api/v1/customers", CUSTOMER)
    agent = persona_with_role("agent")

    assert agent.api.get("/api/v1/customers").json()["count"] == 1
    assert "ann@x.test" in agent.client.get("/customers/").content.decode()
    upload = agent.api.post("/api/v1/customers/import", csv_upload("external_id\ncus_2\n"))
    assert upload.status_code == 403
    assert agent.client.get("/customers/import/").status_code == 403
    page_upload = agent.client.post("/customers/import/", csv_upload("external_id\ncus_3\n"))
    assert page_upload.status_code == 403
    assert post_json(agent.api, "/api/v1/customers", {"external_id": "cus_4"}).status_code == 403
    listed = alice.api.get("/api/v1/customers").json()["items"]
    assert [c["external_id"] for c in listed] == ["cus_1"]


def test_an_analyst_imports_customers(bob):
    response = bob.api.post("/api/v1/customers/import", csv_upload("external_id\ncus_1\ncus_2\n"))

    assert response.status_code == 200
    assert response.json()["created"] == 2
    assert bob.client.get("/customers/import/").status_code == 200


def test_the_roles_page_shows_what_each_role_may_do(bob):
    page = bob.client.get("/settings/roles/")

    assert page.status_code == 200
    html = page.content.decode()
    for permission in Permission:
        assert permission.label in html
    allowed = {
        label: row.count("✓")
        for label, row in re.findall(r'<th scope="row">(\w+)</th>(.*?)</tr>', html)
    }
    assert allowed == {
        Role.OWNER.label: 12,
        Role.ADMIN.label: 11,
        Role.ANALYST.label: 7,
        Role.AGENT.label: 4,
        Role.VIEWER.label: 1,
    }
