"""The inbox's filters: each one returns exactly the matching items, on the page and in the
API (one parser, one selector), and a value that cannot be read is named, never a 500."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from earful.inbox.filters import ItemFilter, parse_filter
from earful.inbox.selectors import filtered_items
from earful.inbox.tests.inbox_data import make_inbox
from earful.insights.selectors_rows import load_rows
from earful.insights.stats.tiers import latest_tiers

PAGE = "/inbox/"
API = "/api/v1/items"


@pytest.fixture
def inbox(alice):
    return make_inbox(alice.organization)


def on_page(client, params: dict) -> set[int]:
    response = client.get(PAGE, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return {int(i) for i in re.findall(r'href="/inbox/(\d+)/', response.content.decode())}


def in_api(api, params: dict) -> set[int]:
    response = api.get(API, params | {"limit": 200})
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["items"]}


def cases(inbox) -> list[tuple[dict, set[str]]]:
    billing, delivery = inbox.themes["Billing"].pk, inbox.themes["Delivery"].pk
    week_ago = (inbox.now - timedelta(days=7)).date().isoformat()
    return [
        ({"channel": "review"}, {"one_star", "five_stars"}),
        ({"channel": "survey"}, {"comment"}),
        ({"source": "trustpilot"}, {"one_star", "five_stars"}),
        ({"source": "zendesk"}, {"refund"}),
        ({"sentiment": "negative"}, {"refund", "one_star"}),
        ({"sentiment": "neutral"}, {"post"}),
        ({"theme": str(billing)}, {"refund", "old_ticket"}),
        ({"theme": str(delivery)}, {"one_star"}),
        ({"theme": "emerging"}, {"post"}),
        ({"tier": "highly_satisfied"}, {"refund", "comment"}),  # Ann moved up to it
        ({"tier": "dissatisfied"}, {"post", "old_ticket"}),  # Ben slipped to it
        ({"tier": "satisfied"}, {"idea"}),  # Cat's later unscored answer does not count
        ({"customer": str(inbox.customers["ann"].pk)}, {"refund", "comment"}),
        ({"account": str(inbox.accounts["beta"].pk)}, {"post", "old_ticket"}),
        ({"since": week_ago}, {"refund", "one_star", "five_stars", "post"}),
        ({"until": week_ago}, {"idea", "comment", "old_ticket"}),
        ({"rating": "1"}, {"one_star"}),
        ({"rating": "1-5"}, {"one_star", "five_stars"}),
        ({"rating": "9-10"}, {"comment"}),
        ({"hesitant": "yes"}, {"five_stars"}),
        ({"hesitant": "no"}, {"refund", "one_star", "old_ticket"}),
        ({"status": "pending"}, {"idea"}),
        ({"status": "failed"}, {"comment"}),
        ({"status": "analyzed"}, {"refund", "one_star", "five_stars", "post", "old_ticket"}),
        ({"q": "parcel broken"}, {"one_star"}),
        ({"q": "margot"}, {"one_star"}),
        ({"q": '"strap snapped"'}, {"five_stars"}),
        ({"channel": "review", "sentiment": "negative"}, {"one_star"}),
        ({"tier": "dissatisfied", "channel": "ticket", "q": "invoice"}, {"old_ticket"}),
        ({}, set(inbox.items)),
    ]


def test_each_filter_lists_exactly_the_matching_items_on_the_page_and_in_the_api(alice, inbox):
    ids = {name: item.pk for name, item in inbox.items.items()}
    for params, names in cases(inbox):
        expected = {ids[name] for name in names}
        assert on_page(alice.client, params) == expected, params
        assert in_api(alice.api, params) == expected, params


def test_the_tier_is_the_one_the_insights_engine_gives_the_customer(alice, inbox):
    rows = load_rows(alice.organization, start=inbox.now - timedelta(days=400), end=inbox.now)
    engine = latest_tiers(rows.customers, rows.times, rows.tiers, end=rows.times.max() + 1)
    items = filtered_items(alice.organization, ItemFilter()).filter(customer__isnull=False)
    ours = {f"customer:{item.customer_id}": item.customer_tier for item in items}
    assert ours == engine
    assert ours == {
        f"customer:{inbox.customers['ann'].pk}": "highly_satisfied",
        f"customer:{inbox.customers['ben'].pk}": "dissatisfied",
        f"customer:{inbox.customers['cat'].pk}": "satisfied",
    }


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({"channel": "fax"}, "channel", "must be one of survey, ticket, review, social, idea"),
        ({"source": "Zen Desk!"}, "source", "a source's name"),
        ({"sentiment": "angry"}, "sentiment", "must be one of negative, neutral, positive"),
        ({"theme": "billing"}, "theme", "a theme id or emerging"),
        ({"theme": "999999"}, "theme", "no active theme with this id"),
        ({"tier": "happy"}, "tier", "must be one of dissatisfied, satisfied, highly_satisfied"),
        ({"customer": "ann"}, "customer", "a customer id (a whole number)"),
        ({"customer": "999999"}, "customer", "no customer with this id in your organization"),
        ({"account": "-1"}, "account", "an account id (a whole number)"),
        ({"account": "999999"}, "account", "no account with this id in your organization"),
        ({"since": "last tuesday"}, "since", "a date written YYYY-MM-DD"),
        ({"until": "2026-02-30"}, "until", "a date written YYYY-MM-DD"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "until", "must be on or after since"),
        ({"rating": "five"}, "rating", "a score (4) or a range of scores (1-2)"),
        ({"rating": "5-1"}, "rating", "a range is written lowest-highest"),
        ({"hesitant": "maybe"}, "hesitant", "yes or no"),
        ({"status": "done"}, "status", "must be one of pending, analyzed, failed"),
        ({"q": "x" * 501}, "q", "at most 500 characters"),
        ({"after": "not-a-cursor"}, "after", "not a cursor from this list"),
        ({"before": "%%%"}, "before", "not a cursor from this list"),
    ],
)
def test_a_bad_value_is_named_with_its_reason_never_a_500(alice, inbox, params, field, reason):
    page = alice.client.get(PAGE, params | {"channel": params.get("channel", "review")})
    assert page.status_code == 400
    html = page.content.decode()
    assert f"Ignored {field}: " in html
    assert reason.replace("'", "&#x27;") in html
    if field != "channel":  # the rest of the filter still applies
        assert on_ids(html) <= {inbox.items["one_star"].pk, inbox.items["five_stars"].pk}
    api = alice.api.get(API, params)
    assert api.status_code == 422
    assert any(
        e["field"] == field and e["message"].startswith(reason) for e in api.json()["detail"]
    ), api.json()


def on_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'href="/inbox/(\d+)/', html)}


def test_the_api_refuses_a_page_size_out_of_range(alice):
    response = alice.api.get(API, {"limit": 500})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "query.limit"


def test_a_filter_writes_the_query_string_it_reads():
    f = ItemFilter(
        q='late "parcel box"', channel="review", theme="emerging", customer=3,
        since=date(2026, 1, 1), until=date(2026, 1, 31), rating=(1, 2), hesitant=False,
    )  # fmt: skip
    again, errors = parse_filter(f.params())
    assert again == f
    assert not errors
    assert f.params()["rating"] == "1-2"
    assert f.but(rating=(4, 4)).params()["rating"] == "4"
    assert parse_filter({"rating": "1..2", "hesitant": "TRUE"})[0] == ItemFilter(
        rating=(1, 2), hesitant=True
    )


def test_the_page_shows_each_filter_as_a_chip_that_removes_it(alice, inbox):
    ann = inbox.customers["ann"]
    html = alice.client.get(PAGE, {"customer": ann.pk, "sentiment": "negative"}).content
    text = html.decode()
    assert "customer: Ann Archer" in text
    assert f'href="/inbox/?customer={ann.pk}" aria-label="Remove sentiment: negative"' in text
    assert 'href="/inbox/?sentiment=negative" aria-label="Remove customer: Ann Archer"' in text
