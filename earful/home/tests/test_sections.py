"""The other apps' parts on the home and customer pages: cases, health, the customer's rights."""

from __future__ import annotations

from earful.customers.tests.factories import CustomerFactory


def test_the_customer_page_shows_health_cases_and_their_data_rights(alice):
    customer = CustomerFactory(organization=alice.organization)
    page = alice.client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Health" in page
    assert "Open a case" in page
    assert "Make a commitment" in page
    assert f"/privacy/customers/{customer.pk}/" in page


def test_an_analyst_sees_no_case_forms_nor_erasure_on_the_customer_page(bob):
    customer = CustomerFactory(organization=bob.organization)
    page = bob.client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Open a case" not in page
    assert "/privacy/customers/" not in page


def test_the_home_page_shows_cases_due_and_customers_at_risk(alice):
    page = alice.client.get("/").content.decode()
    assert "Cases due" in page
    assert "Customers at risk" in page
