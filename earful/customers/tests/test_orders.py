"""Order history: purchases carry an exact amount and a type; importing the same history twice
adds nothing (one purchase per order id); refunds are their own rows; bad rows name the field."""

from __future__ import annotations

import io
import json
from decimal import Decimal

from earful.customers.models import Customer, CustomerEvent
from earful.customers.tests.factories import CustomerFactory

CSV = (
    "order_id,customer,occurred_at,amount,type\n"
    "A-1,ann,2026-01-05T10:00:00Z,49.90,\n"
    "A-2,ann,2026-02-05T10:00:00Z,120,purchase\n"
    "A-2,ann,2026-02-09T10:00:00Z,120,refund\n"
    "B-1,ben,2026-01-20,0.10,\n"
)


def upload(persona, text, **params):
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    file = io.BytesIO(text.encode())
    file.name = "orders.csv"
    return persona.api.post(f"/api/v1/orders/import{query}", {"file": file})


def test_an_order_history_lands_as_purchases_with_exact_amounts(alice):
    CustomerFactory(organization=alice.organization, external_id="ann")
    response = upload(alice, CSV)
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 4
    assert response.json()["customers_created"] == 1  # ben came with his order
    ann_orders = CustomerEvent.objects.filter(customer__external_id="ann").order_by("occurred_at")
    assert [(e.type, e.amount, e.order_id) for e in ann_orders] == [
        ("purchase", Decimal("49.90"), "A-1"),
        ("purchase", Decimal("120.00"), "A-2"),
        ("refund", Decimal("120.00"), "A-2"),
    ]
    assert CustomerEvent.objects.get(customer__external_id="ben").amount == Decimal("0.10")


def test_importing_the_same_history_twice_adds_nothing(alice):
    upload(alice, CSV)
    again = upload(alice, CSV).json()
    assert (again["created"], again["unchanged"]) == (0, 4)
    assert CustomerEvent.objects.count() == 4
    assert Customer.objects.count() == 2


def test_a_bad_amount_is_refused_naming_the_row_and_field(alice):
    response = upload(alice, "order_id,customer,occurred_at,amount\nX,ann,2026-01-01,12.345\n")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"row": 1, "field": "amount", "message": "at most 2 decimals"}
    ]
    assert not CustomerEvent.objects.exists()


def test_a_csv_without_the_order_columns_is_refused(alice):
    response = upload(alice, "customer,occurred_at\nann,2026-01-01\n")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "file"


def test_one_order_through_the_api_is_idempotent_on_its_id(alice):
    body = {
        "order_id": "Z9",
        "customer": "zoe",
        "occurred_at": "2026-03-01T09:00:00Z",
        "amount": "19.99",
    }
    first = alice.api.post("/api/v1/orders", json.dumps(body), content_type="application/json")
    second = alice.api.post("/api/v1/orders", json.dumps(body), content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["amount"] == "19.99"
    assert first.json()["type"] == "purchase"


def test_an_order_without_an_amount_is_a_422_naming_the_field(alice):
    body = {"order_id": "Z9", "customer": "zoe", "occurred_at": "2026-03-01", "amount": "abc"}
    response = alice.api.post("/api/v1/orders", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"].endswith("amount")


def test_an_event_named_purchase_is_a_purchase_and_keeps_its_amount(alice):
    CustomerFactory(organization=alice.organization, external_id="ann")
    body = {"customer": "ann", "name": "purchase", "occurred_at": "2026-03-01", "amount": 12.3}
    response = alice.api.post("/api/v1/events", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    event = CustomerEvent.objects.get()
    assert (event.type, event.amount) == ("purchase", Decimal("12.30"))


def test_charlie_cannot_attach_orders_to_alices_customers(alice, charlie):
    CustomerFactory(organization=alice.organization, external_id="ann")
    upload(charlie, CSV)
    assert not CustomerEvent.objects.filter(organization=alice.organization).exists()
    assert Customer.objects.filter(organization=charlie.organization).count() == 2
