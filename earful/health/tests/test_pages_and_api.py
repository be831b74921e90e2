"""Every health page and endpoint: it answers for alice, charlie (another org) gets 404 for
alice's customers and sees none of them in his lists, and list query counts stay flat."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.customers.tests.factories import CustomerFactory
from earful.health.services.recompute import recompute_all
from earful.health.tests.conftest import NOW, answer, orders, voice

PAGES = [
    "/health/",
    "/health/said-fine-then-left/",
    "/health/radar/",
    "/health/superfans/",
    "/health/loyalty/",
]
LISTS = [
    "/api/v1/health/customers",
    "/api/v1/health/said-fine-then-left",
    "/api/v1/health/radar",
    "/api/v1/health/superfans",
    "/api/v1/health/accounts",
]


@pytest.fixture
def scored(alice, shop):
    recompute_all(organization_id=alice.organization.pk, now=NOW)
    return shop


def test_the_pages_show_the_planted_customers_with_their_reasons(alice, scored):
    overview = alice.client.get("/health/").content.decode()
    assert "Lea Ver" in overview
    assert "no order in 74 days, usually every 21" in overview
    said = alice.client.get("/health/said-fine-then-left/").content.decode()
    assert "It&#x27;s fine I guess, does the job" in said
    fans = alice.client.get("/health/superfans/").content.decode()
    assert "Fay Fan" in fans
    assert "review gating" in fans
    radar = alice.client.get("/health/radar/").content.decode()
    assert "Stu Steady" in radar


@pytest.mark.parametrize("url", PAGES)
def test_charlie_sees_none_of_alices_customers_on_the_pages(alice, charlie, scored, url):
    response = charlie.client.get(url)
    assert response.status_code == 200
    assert "Lea Ver" not in response.content.decode()
    assert "Fay Fan" not in response.content.decode()


def test_charlie_gets_404_for_alices_customer_page_and_api(alice, charlie, scored):
    customer = scored["leaver"].pk
    assert alice.client.get(f"/health/customers/{customer}/").status_code == 200
    assert charlie.client.get(f"/health/customers/{customer}/").status_code == 404
    assert charlie.api.get(f"/api/v1/health/customers/{customer}").status_code == 404
    assert charlie.api.get(f"/api/v1/loyalty/customers/{customer}").status_code == 404
    link = charlie.api.post(
        "/api/v1/health/referrals/links",
        json.dumps({"customer_id": customer}),
        content_type="application/json",
    )
    assert link.status_code == 404
    adjust = charlie.api.post(
        f"/api/v1/loyalty/customers/{customer}/adjust",
        json.dumps({"points": 5, "kind": "goodwill", "reason": "x"}),
        content_type="application/json",
    )
    assert adjust.status_code == 404
    thanks = charlie.api.post(
        "/api/v1/health/superfans/thank",
        json.dumps({"customer_ids": [customer]}),
        content_type="application/json",
    )
    assert thanks.json() == []


@pytest.mark.parametrize("url", LISTS)
def test_charlie_sees_an_empty_list_in_the_api(charlie, scored, url):
    response = charlie.api.get(url)
    assert response.status_code == 200
    body = response.json()
    assert (body if isinstance(body, list) else body["items"]) == []


def test_the_customer_health_api_explains_the_score(alice, scored):
    body = alice.api.get(f"/api/v1/health/customers/{scored['leaver'].pk}").json()
    texts = [r["text"] for r in body["health"]["reasons"]]
    assert "no order in 74 days, usually every 21" in texts
    assert body["health"]["band"] in ("at_risk", "attention")
    said = alice.api.get("/api/v1/health/said-fine-then-left").json()["items"]
    assert said[0]["words"] == "It's fine I guess, does the job"


def test_the_radar_refuses_a_nonsense_window_naming_the_field(alice, scored):
    response = alice.api.get("/api/v1/health/radar?days=0")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "days"


def test_the_review_policy_refuses_gating(alice):
    body = alice.api.get("/api/v1/health/review-policy?audience=promoters").json()
    assert body["allowed"] is False
    assert "review gating" in body["reason"]
    assert alice.api.get("/api/v1/health/review-policy?audience=everyone").json()["allowed"]


def _grow(alice, n):
    for k in range(n):
        c = CustomerFactory(organization=alice.organization, external_id=f"more-{n}-{k}")
        orders(c, [300, 250, 200, 150], amount="99.00")
        voice(c, f"fine {k}", days_ago=160, hesitant=True)
        answer(c, "highly_satisfied", days_ago=5)
    recompute_all(organization_id=alice.organization.pk, now=NOW)


@pytest.mark.parametrize("url", PAGES[:4] + LISTS)
def test_list_query_counts_do_not_grow_with_rows(alice, shop, url):
    client = alice.api if url.startswith("/api/") else alice.client
    _grow(alice, 2)
    client.get(url)  # warm: the token's last use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(alice, 8)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_home_cards_and_the_customer_partial_render(alice, scored):
    from datetime import timedelta

    from django.template.loader import render_to_string
    from django.utils import timezone

    from earful.health import selectors

    org = alice.organization
    card = render_to_string("health/_card_at_risk.html", {"at_risk": selectors.at_risk_card(org)})
    assert "At risk" in card
    moved = selectors.moved_up_a_level(org, since=timezone.now() - timedelta(days=30))
    assert "Nobody in the last 30 days" in render_to_string(
        "health/_card_moved_up.html", {"moved": moved}
    )
    partial = render_to_string(
        "health/_customer_health.html", selectors.customer_health_context(scored["leaver"])
    )
    assert "no order in 74 days, usually every 21" in partial
