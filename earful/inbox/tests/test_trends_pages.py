"""/inbox/trends/ (the page and its dashboard card) and GET /api/v1/items/trends: what they
show, that every number links to exactly its items, bounded queries, and the walls between
organizations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.accounts.models import Organization
from earful.inbox.selectors_trends import EMERGING
from earful.inbox.tests.test_trends import listed, make_theme, weekly
from earful.insights.models import Theme

PAGE = "/inbox/trends/"
CARD = "/inbox/trends/card/"
API = "/api/v1/items/trends"


def first_monday() -> datetime:
    """The first Monday of the default period: 12 complete weeks before the current one."""
    now = timezone.now().astimezone(UTC)
    monday = datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(days=now.weekday())
    return monday - timedelta(weeks=12)


def plant(organization: Organization, *, seed: int = 5, scale: int = 1) -> dict[str, Theme]:
    """Three themes of tickets (~10 a week each) and reviews (~6); Delivery tickets triple in
    the last 3 weeks; some new & emerging survey comments."""
    rng = np.random.default_rng(seed)
    first = first_monday()
    themes = {name: make_theme(organization, name) for name in ("Delivery", "Billing", "Login")}
    for name, theme in themes.items():
        tickets = rng.poisson(10 * scale, size=12)
        if name == "Delivery":
            tickets[-3:] = rng.poisson(30 * scale, size=3)
        weekly(organization, tickets.tolist(), theme=theme, first=first)
        reviews = rng.poisson(6 * scale, size=12).tolist()
        weekly(organization, reviews, theme=theme, channel="review", source="trustpilot",
               first=first)  # fmt: skip
    weekly(organization, [2 * scale] * 12, theme=EMERGING, channel="survey", source="", first=first)
    return themes


def _text(html: str) -> str:
    html = re.sub(r"<(svg|style).*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def planted(alice) -> dict[str, Theme]:
    return plant(alice.organization)


# ---------------------------------------------------------------- the page


def test_the_page_shows_the_rising_request_type_with_its_rate_of_change(alice, planted):
    response = alice.client.get(PAGE)
    assert response.status_code == 200
    text = _text(response.content.decode())
    assert "Request trends" in text
    row = re.search(r"▲ Delivery Support tickets .*?(\+\d+%) a week", text)
    assert row, text[:3000]
    assert int(row.group(1)[1:-1]) > 75  # items a week, last 4 weeks against the 8 before
    main, how = text.split("How we know", 1)
    assert "q-value" not in main  # the statistics wait behind the "How we know" toggle
    numbers = re.search(
        r"Delivery \(Support tickets\) \S+ / \S+ (\S+) ([+-]\d+\.\d/week) (0\.\d+)", how
    )
    assert numbers, how[:3000]
    assert float(numbers.group(3)) <= 0.05  # the q-value
    assert "Benjamini-Hochberg" in text
    assert "false discovery rate 5%" in text
    assert "Billing Support tickets" not in text.split("Every request type")[0]  # steady


def test_the_page_draws_the_weekly_charts_by_theme_and_by_channel(alice, planted):
    html = alice.client.get(PAGE).content.decode()
    assert 'aria-label="Items a week by theme"' in html
    assert 'aria-label="Items a week by channel"' in html
    assert html.count('class="spark"') >= 3 + 3 + 3  # themes, channels, sources ...
    bars = re.findall(r'<a href="(/inbox/\?[^"]+)"><rect[^>]*><title>([^<]+): (\d+)</title>', html)
    assert len(bars) >= 12 * 3  # a linked part per week and theme at least
    for link, _what, n in bars[:8] + bars[-8:]:
        assert listed(alice.organization, unescape(link)) == int(n), link


def test_every_number_on_the_page_links_to_exactly_its_items(alice, planted):
    html = alice.client.get(PAGE).content.decode()
    tables = html[html.index('id="types"') :]
    links = re.findall(r'<a href="(/inbox/\?[^"]+)">(\d+)</a>', tables)
    assert len(links) == (4 + 3 + 2) * 4  # themes, channels, sources but "none": 4 a row
    for link, number in links:
        assert listed(alice.organization, unescape(link)) == int(number), link


def test_the_filters_narrow_the_page_and_a_bad_one_says_why(alice, planted):
    html = alice.client.get(PAGE, {"channel": "review"}).content.decode()
    assert '<option value="review" selected>' in html
    assert "channel=review" in html
    assert "channel=ticket" not in html
    bad = _text(alice.client.get(PAGE, {"weeks": "500"}).content.decode())
    assert "Filter not applied, weeks: must be between 4 and 52." in bad


def test_the_page_says_where_items_come_from_when_there_are_none(alice):
    text = _text(alice.client.get(PAGE).content.decode())
    assert "No items in these weeks" in text
    assert "No request type rose or fell" in text


def test_the_page_costs_the_same_queries_for_ten_times_the_items(alice, charlie):
    plant(charlie.organization, scale=1)
    with CaptureQueriesContext(connection) as small:
        assert charlie.client.get(PAGE).status_code == 200
    plant(alice.organization, scale=10)
    with CaptureQueriesContext(connection) as large:
        assert alice.client.get(PAGE).status_code == 200
    assert len(large) == len(small) <= 10


def test_another_organization_sees_none_of_the_items_and_not_their_themes(alice, charlie, planted):
    text = _text(charlie.client.get(PAGE).content.decode())
    assert "No items in these weeks" in text
    assert "Delivery" not in text
    theme = planted["Delivery"].pk
    assert charlie.client.get(PAGE, {"theme": theme}).status_code == 404
    assert charlie.client.get(CARD).status_code == 200


def test_the_page_asks_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_dashboard_card_lists_the_rising_request_type(alice, planted):
    html = alice.client.get(CARD).content.decode()
    text = _text(html)
    assert re.search(r"▲ Delivery , support tickets: \+\d+% a week", text), text
    link = re.search(r'<a href="(/inbox/\?[^"]+)">Delivery</a>', html)
    assert link
    assert "channel=ticket" in unescape(link.group(1))
    assert 'href="/inbox/trends/"' in html


# ---------------------------------------------------------------- the API


def test_the_api_gives_the_weekly_series_and_the_rising_request_types(alice, planted):
    response = alice.api.get(API)
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["weeks"]) == 12
    assert body["filters"]["weeks"] == 12
    assert body["fdr"] == 0.05
    assert body["min_change"] == 0.25
    assert body["tested"] == 18
    # tested together: all, 3 channels, 3 sources, 4 themes, 7 (theme, channel) pairs
    assert "Benjamini-Hochberg" in body["test"]
    delivery = str(planted["Delivery"].pk)
    rising = [(s["key"], s["channel"]) for s in body["rising"]]
    assert (delivery, "ticket") in rising
    assert body["falling"] == []
    total = next(s for s in body["series"] if s["dimension"] == "all")
    assert total["total"] == sum(total["weekly"]) == total["n_recent"] + total["n_baseline"]
    ticket = next(s for s in body["series"] if s["dimension"] == "channel" and s["key"] == "ticket")
    assert listed(alice.organization, ticket["items_url"]) == ticket["total"]
    found = next(s for s in body["rising"] if s["channel"] == "ticket")
    assert found["q_value"] <= 0.05
    assert found["change"] > 0.75
    assert found["recent_rate"] == pytest.approx(np.mean(found["weekly"][-4:]))
    assert set(found) >= {"week_over_week", "slope", "p_value", "direction", "label"}


def test_the_api_takes_the_page_filters(alice, planted):
    body = alice.api.get(API, {"channel": "review", "weeks": "8"}).json()
    assert len(body["weeks"]) == 8
    assert body["filters"]["recent_weeks"] == 2
    assert {s["key"] for s in body["series"] if s["dimension"] == "channel"} == {"review"}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"channel": "fax"}, "channel"), ({"weeks": "0"}, "weeks"), ({"until": "soon"}, "until")],
)
def test_the_api_names_a_bad_filter(alice, params, field):
    response = alice.api.get(API, params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


def test_the_api_never_shows_another_organizations_items(alice, charlie, planted):
    body = charlie.api.get(API).json()
    assert body["series"] == []
    assert body["rising"] == []
    response = charlie.api.get(API, {"theme": planted["Delivery"].pk})
    assert response.status_code == 404


def test_the_api_needs_a_token(client):
    assert client.get(API).status_code == 401
