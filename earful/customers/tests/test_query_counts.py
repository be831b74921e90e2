from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from earful.customers.tests.factories import CustomerFactory


def queries_for(client: Client, url: str, rows_expected: int) -> int:
    client.get(url)  # warm up: session, token last-used stamp
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("@example.test") == rows_expected, "every customer is rendered"
    return len(captured.captured_queries)


def test_the_customer_list_page_does_not_query_per_customer(alice):
    CustomerFactory.create_batch(6, organization=alice.organization)
    with_6 = queries_for(alice.client, "/customers/", 6)

    CustomerFactory.create_batch(54, organization=alice.organization)
    with_60 = queries_for(alice.client, "/customers/", 50)  # one page

    assert with_60 <= with_6


def test_the_customer_list_endpoint_does_not_query_per_customer(alice):
    CustomerFactory.create_batch(6, organization=alice.organization)
    with_6 = queries_for(alice.api, "/api/v1/customers", 6)

    CustomerFactory.create_batch(54, organization=alice.organization)
    with_60 = queries_for(alice.api, "/api/v1/customers", 60)

    assert with_60 <= with_6
