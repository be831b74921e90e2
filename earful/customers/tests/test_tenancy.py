from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from earful.customers.models import Customer
from earful.customers.tests.factories import CustomerFactory

URL = "/api/v1/customers"


def csv_upload(text: str) -> dict:
    return {"file": SimpleUploadedFile("customers.csv", text.encode(), "text/csv")}


def test_charlie_gets_404_for_alice_s_customer(alice, charlie):
    customer = CustomerFactory(organization=alice.organization)

    response = charlie.api.get(f"{URL}/{customer.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": [{"field": "id", "message": "not found"}]}
    assert alice.api.get(f"{URL}/{customer.pk}").status_code == 200


def test_charlie_never_sees_alice_s_customers_in_the_api_list(alice, charlie):
    CustomerFactory(organization=alice.organization, external_id="alice_cus", email="a@a.test")
    CustomerFactory(organization=charlie.organization, external_id="charlie_cus")

    everything = charlie.api.get(URL).json()
    searched = charlie.api.get(URL, {"q": "alice"}).json()

    assert everything["count"] == 1
    assert [c["external_id"] for c in everything["items"]] == ["charlie_cus"]
    assert searched == {"count": 0, "items": []}


def test_charlie_never_sees_alice_s_customers_on_the_list_page(alice, charlie):
    CustomerFactory(organization=alice.organization, external_id="alice_cus", email="a@a.test")
    CustomerFactory(organization=charlie.organization, external_id="charlie_cus")

    page = charlie.client.get("/customers/").content.decode()
    searched = charlie.client.get("/customers/", {"q": "alice_cus"}).content.decode()

    assert "charlie_cus" in page
    assert "alice_cus" not in page
    assert "a@a.test" not in page
    assert "No customers match" in searched
    assert "a@a.test" not in searched


def test_charlie_s_api_import_lands_in_his_organization_only(alice, charlie):
    CustomerFactory(organization=alice.organization, external_id="cus_1", name="Alice's Ann")

    response = charlie.api.post(f"{URL}/import", csv_upload("external_id,name\ncus_1,Ann\n"))

    assert response.json()["created"] == 1
    assert Customer.objects.get(organization=alice.organization).name == "Alice's Ann"
    assert Customer.objects.get(organization=charlie.organization).name == "Ann"


def test_charlie_s_page_import_lands_in_his_organization_only(alice, charlie):
    CustomerFactory(organization=alice.organization, external_id="cus_1", name="Alice's Ann")

    response = charlie.client.post(
        "/customers/import/", csv_upload("external_id,name\ncus_1,Ann\n")
    )

    assert response.status_code == 200
    assert Customer.objects.get(organization=alice.organization).name == "Alice's Ann"
    assert Customer.objects.get(organization=charlie.organization).name == "Ann"


def test_charlie_posting_alice_s_external_id_creates_his_own_customer(alice, charlie):
    alices = CustomerFactory(organization=alice.organization, external_id="cus_1", name="Ann")

    response = charlie.api.post(
        URL, json.dumps({"external_id": "cus_1", "name": "Eve"}), content_type="application/json"
    )

    assert response.status_code == 201
    assert response.json()["id"] != alices.pk
    alices.refresh_from_db()
    assert alices.name == "Ann"
