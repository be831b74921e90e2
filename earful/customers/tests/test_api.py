from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from earful.customers.models import Customer
from earful.customers.tests.factories import CustomerFactory

URL = "/api/v1/customers"


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def upload(client, text: str | bytes, query: str = ""):
    data = text.encode() if isinstance(text, str) else text
    file = SimpleUploadedFile("customers.csv", data, content_type="text/csv")
    return client.post(f"{URL}/import{query}", {"file": file})


def test_the_list_pages_with_limit_and_offset_in_external_id_order(alice):
    for i in (3, 1, 5, 2, 4):
        CustomerFactory(organization=alice.organization, external_id=f"cus_{i}")

    page = alice.api.get(URL, {"limit": 2, "offset": 2}).json()

    assert page["count"] == 5
    assert [c["external_id"] for c in page["items"]] == ["cus_3", "cus_4"]


def test_the_list_searches_ids_emails_names_and_companies(alice):
    org = alice.organization
    CustomerFactory(organization=org, external_id="cus_1", email="ann@acme.test", name="Ann")
    CustomerFactory(organization=org, external_id="cus_2", name="Zed Zimmer")
    CustomerFactory(organization=org, external_id="cus_3", account__name="Zebra Inc")

    def found(q: str) -> list[str]:
        return [c["external_id"] for c in alice.api.get(URL, {"q": q}).json()["items"]]

    assert found("ANN@") == ["cus_1"]
    assert found("zimmer") == ["cus_2"]
    assert found("zebra") == ["cus_3"]
    assert found("cus_") == ["cus_1", "cus_2", "cus_3"]
    assert found("nobody") == []


def test_posting_a_new_customer_answers_201_with_it(alice):
    body = {
        "external_id": "cus_1",
        "email": "Ann@X.test",
        "name": "Ann",
        "timezone": "Europe/Paris",
        "locale": "fr-FR",
        "account": "Acme",
        "attributes": {"seats": 12, "plan": "pro"},
    }

    response = post_json(alice.api, URL, body)

    assert response.status_code == 201
    created = response.json()
    assert created == {
        **body,
        "id": created["id"],
        "email": "ann@x.test",
    }
    assert Customer.objects.get(pk=created["id"]).organization == alice.organization


def test_posting_the_same_external_id_again_updates_it_with_200(alice):
    first = post_json(alice.api, URL, {"external_id": "cus_1", "name": "Ann"})

    second = post_json(alice.api, URL, {"external_id": "cus_1", "name": "Ann Lee"})

    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["name"] == "Ann Lee"
    assert Customer.objects.count() == 1


def test_a_customer_without_a_company_shows_account_null(alice):
    response = post_json(alice.api, URL, {"external_id": "cus_1"})

    assert response.json()["account"] is None
    assert response.json()["timezone"] == "UTC"


def test_an_invalid_customer_answers_422_naming_the_field(alice):
    response = post_json(alice.api, URL, {"external_id": "cus_1", "timezone": "Mars/Olympus"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "field": "timezone",
                "message": "'Mars/Olympus' is not an IANA time zone (Europe/Paris)",
            }
        ]
    }
    assert not Customer.objects.exists()


def test_a_customer_without_external_id_answers_422_naming_it(alice):
    response = post_json(alice.api, URL, {"email": "ann@x.test"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["external_id"]


def test_a_blank_external_id_answers_422_naming_it(alice):
    response = post_json(alice.api, URL, {"external_id": "  "})

    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "external_id", "message": "required"}]


def test_one_customer_is_read_by_id(alice):
    customer = CustomerFactory(organization=alice.organization, account__name="Acme")

    response = alice.api.get(f"{URL}/{customer.pk}")

    assert response.status_code == 200
    assert response.json()["external_id"] == customer.external_id
    assert response.json()["account"] == "Acme"


def test_an_unknown_id_answers_404_in_the_error_shape(alice):
    response = alice.api.get(f"{URL}/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": [{"field": "id", "message": "not found"}]}


def test_importing_a_csv_answers_the_report(alice):
    response = upload(alice.api, "external_id,email,plan\ncus_1,ann@x.test,pro\ncus_2,,\n")

    assert response.status_code == 200
    assert response.json() == {
        "applied": True,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
    }
    assert Customer.objects.get(external_id="cus_1").attributes == {"plan": "pro"}

    again = upload(alice.api, "external_id,email,plan\ncus_1,ann@x.test,pro\ncus_2,,\n")
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)


def test_an_import_with_a_bad_row_answers_422_and_writes_nothing(alice):
    response = upload(alice.api, "external_id,email\ncus_1,ann@x.test\ncus_2,nope\n")

    assert response.status_code == 422
    report = response.json()
    assert report["applied"] is False
    assert report["rejected"] == 1
    assert report["errors"] == [
        {"row": 2, "field": "email", "message": "'nope' is not an email address"}
    ]
    assert not Customer.objects.exists()


def test_an_import_with_skip_invalid_lands_the_good_rows_with_200(alice):
    response = upload(
        alice.api, "external_id,email\ncus_1,ann@x.test\ncus_2,nope\n", "?skip_invalid=true"
    )

    assert response.status_code == 200
    assert (response.json()["created"], response.json()["rejected"]) == (1, 1)
    assert list(Customer.objects.values_list("external_id", flat=True)) == ["cus_1"]


def test_an_import_without_an_external_id_column_answers_422_on_file(alice):
    response = upload(alice.api, "id,email\n1,ann@x.test\n")

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "file", "message": "the header row must have an 'external_id' column"}]
    }


def test_an_import_that_is_not_utf8_answers_422_on_file(alice):
    response = upload(alice.api, "external_id,name\ncus_1,Zoë\n".encode("latin-1"))

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "file"
    assert not Customer.objects.exists()


def test_an_import_without_a_file_answers_422_naming_it(alice):
    response = alice.api.post(f"{URL}/import", {})

    assert response.status_code == 422
    assert "file" in response.json()["detail"][0]["field"]
