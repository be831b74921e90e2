"""/inbox/: every item of the organization, newest first, a keyset page at a time; the same
few queries whatever the page size and however many items; nobody sees another
organization's items; trustee surveys' items never name anyone."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.customers.models import Account, Customer
from earful.feedback.models import FeedbackItem
from earful.inbox.tests.factories import make_item
from earful.inbox.tests.inbox_data import answer, link_theme, make_inbox, make_theme
from earful.insights.tests.pages_data import Row, save_answers
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import PROBE_KEY

PAGE = "/inbox/"
API = "/api/v1/items"


def ids_on(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/inbox/(\d+)/', html)]


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def rich_items(organization, count: int, *, start: int = 0) -> None:
    """`count` items, each with its own customer, account, theme and scored answer: what a
    row shows, so an N+1 anywhere would show in the query count."""
    survey = make_survey(organization, title=f"Survey {start}")
    now = timezone.now()
    for i in range(start, start + count):
        account = Account.objects.create(organization=organization, name=f"Account {i}")
        customer = Customer.objects.create(
            organization=organization, external_id=f"c{i}", name=f"Customer {i}", account=account
        )
        answer(survey, customer, i % 11, "satisfied", now - timedelta(days=1))
        item = make_item(
            organization, f"Item number {i}", customer=customer, title=f"Title {i}",
            ago=timedelta(minutes=i), score=4, score_scale="1-5", sentiment="negative",
            analyzed_at=now,
        )  # fmt: skip
        link_theme(item, make_theme(organization, f"Theme {i}"))


def queries(client, url: str, params: dict | None = None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_list_shows_every_channel_newest_first(alice):
    inbox = make_inbox(alice.organization)
    html = alice.client.get(PAGE).content.decode()
    expected = sorted(inbox.items.values(), key=lambda i: i.received_at, reverse=True)
    assert ids_on(html) == [item.pk for item in expected]
    for words in ("Refund", "Parcel came broken", "Margot L.", "Ann Archer", "Acme", "Billing"):
        assert words in html


def test_a_page_costs_the_same_queries_for_5_or_50_rows(alice, django_assert_max_num_queries):
    rich_items(alice.organization, 5)
    few, html = queries(alice.client, PAGE)
    assert len(ids_on(html)) == 5
    rich_items(alice.organization, 70, start=5)
    with django_assert_max_num_queries(few):
        many, html = queries(alice.client, PAGE)
    assert len(ids_on(html)) == 50
    assert many == few
    with django_assert_max_num_queries(9):  # sign-in 3, trustee check, cursor, page, form 2
        later, html = queries(alice.client, link(html, "next"))
    assert len(ids_on(html)) == 25
    assert later == few + 1  # the cursor names an item; its time is looked up again


def test_the_api_costs_the_same_queries_whatever_the_page_size(alice):
    rich_items(alice.organization, 60)
    alice.api.get(API)  # the token's first use of the day is written down once
    small, _ = queries(alice.api, API, {"limit": 5})
    large, body = queries(alice.api, API, {"limit": 200})
    assert len(json.loads(body)["items"]) == 60
    assert small == large


def test_the_pages_follow_each_other_without_gap_or_repeat(alice):
    now = timezone.now()
    same_time = now - timedelta(hours=3)
    for i in range(23):  # some at the very same moment: the id breaks the tie
        make_item(alice.organization, f"Item {i}", at=same_time if i % 3 else now - timedelta(i))
    everything = list(
        FeedbackItem.objects.filter(organization=alice.organization)
        .order_by("-received_at", "-id")
        .values_list("id", flat=True)
    )
    seen, url, pages = [], f"{PAGE}?channel=ticket", []
    while url:
        response = alice.api.get(API, {"limit": 5, **dict(_query(url))})
        body = response.json()
        page = [item["id"] for item in body["items"]]
        pages.append((page, body["previous_cursor"]))
        seen += page
        url = f"{PAGE}?channel=ticket&after={body['next_cursor']}" if body["next_cursor"] else ""
    assert seen == everything
    assert pages[0][1] is None  # the first page has no newer page
    back = alice.api.get(API, {"limit": 5, "channel": "ticket", "before": pages[2][1]}).json()
    assert [item["id"] for item in back["items"]] == pages[1][0]


def _query(url: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl, urlsplit

    return parse_qsl(urlsplit(url).query)


def test_the_older_and_newer_links_keep_the_filters(alice):
    for i in range(60):
        make_item(alice.organization, f"Late parcel {i}", ago=timedelta(minutes=i))
    html = alice.client.get(PAGE, {"q": "late", "channel": "ticket"}).content.decode()
    older = link(html, "next")
    assert older.startswith("/inbox/?q=late&channel=ticket&after=")
    second = alice.client.get(older).content.decode()
    assert len(ids_on(second)) == 10
    newer = link(second, "prev")
    assert newer.startswith("/inbox/?q=late&channel=ticket&before=")
    assert ids_on(alice.client.get(newer).content.decode()) == ids_on(html)


def test_charlie_never_sees_org_a_s_items_on_the_page_or_in_the_api(alice, charlie):
    inbox = make_inbox(alice.organization)
    mine = make_item(charlie.organization, "Charlie's own ticket")
    html = charlie.client.get(PAGE).content.decode()
    assert ids_on(html) == [mine.pk]
    assert "Refund" not in html
    assert [i["id"] for i in charlie.api.get(API).json()["items"]] == [mine.pk]
    assert ids_on(charlie.client.get(PAGE, {"q": "refund"}).content.decode()) == []
    ann = inbox.customers["ann"].pk
    by_customer = charlie.client.get(PAGE, {"customer": ann})
    assert by_customer.status_code == 400
    assert "Ann Archer" not in by_customer.content.decode()
    assert ids_on(by_customer.content.decode()) == [mine.pk]  # the foreign id is left out
    assert charlie.api.get(API, {"customer": ann}).status_code == 422
    theme = inbox.themes["Billing"].pk
    assert charlie.api.get(API, {"theme": theme}).json()["detail"][0]["field"] == "theme"


def test_a_cursor_from_another_organization_shows_only_your_own_items(alice, charlie):
    for i in range(6):
        make_item(alice.organization, f"A {i}", ago=timedelta(minutes=i))
    mine = make_item(charlie.organization, "B", ago=timedelta(days=1))
    cursor = alice.api.get(API, {"limit": 2}).json()["next_cursor"]
    refused = charlie.api.get(API, {"after": cursor})
    assert refused.status_code == 422  # the same answer as for a made-up cursor
    assert refused.json()["detail"][0]["field"] == "after"
    assert [i["id"] for i in charlie.api.get(API).json()["items"]] == [mine.pk]


def test_a_cursor_tells_no_item_time(alice):
    for i in range(3):
        make_item(alice.organization, f"A {i}", ago=timedelta(minutes=i))
    cursor = alice.api.get(API, {"limit": 1}).json()["next_cursor"]
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    assert decoded.startswith("i")
    assert decoded[1:].isdigit()  # an item id, nothing else


def test_a_viewer_gets_403_for_the_inbox_and_a_signed_out_visitor_signs_in(
    persona_with_role, client
):
    """The roles table: a viewer reads dashboards, not customers or what they wrote."""
    viewer = persona_with_role("viewer")
    make_item(viewer.organization, "Ticket text from cus_42", customer=None)
    answer = viewer.client.get(PAGE)
    assert answer.status_code == 403
    assert "cus_42" not in answer.content.decode()
    assert viewer.api.get(API).status_code == 403
    assert viewer.api.get("/api/v1/feedback").status_code == 403
    assert 'href="/inbox/"' not in viewer.client.get("/surveys/").content.decode()
    assert client.get(PAGE).status_code == 302
    assert client.get(API).status_code == 401


def trustee_comments(organization, count: int):
    survey = make_survey(organization, title="Staff pulse", trust_mode="trustee")
    now = timezone.now()
    save_answers(
        survey, [Row(2, "Sizing", now - timedelta(hours=h), f"z{h}") for h in range(count)]
    )
    return survey


def test_fewer_than_five_trustee_items_are_hidden_and_counted(alice):
    make_item(alice.organization, "An ordinary ticket")
    trustee_comments(alice.organization, 3)
    html = alice.client.get(PAGE).content.decode()
    assert len(ids_on(html)) == 1
    assert "3 more from a trustee survey are hidden" in html
    body = alice.api.get(API).json()
    assert (len(body["items"]), body["hidden"]) == (1, 3)


def test_five_trustee_items_show_as_confidential_never_naming_anyone(alice):
    trustee_comments(alice.organization, 5)
    html = alice.client.get(PAGE).content.decode()
    assert len(ids_on(html)) == 5
    assert html.count("confidential (trustee survey)") == 5
    for item in alice.api.get(API).json()["items"]:
        assert item["customer"] is None
        assert item["trust_mode"] == "trustee"
        assert item["respondent_code"] is None


def test_a_trustee_follow_up_answer_counts_as_a_trustee_item(alice):
    survey = trustee_comments(alice.organization, 3)
    response = survey.responses.order_by("id").first()
    make_item(
        alice.organization, "Follow-up: it is the night shifts", channel="survey",
        source_key=f"survey-response:{response.uid}:{PROBE_KEY}",
    )  # fmt: skip
    body = alice.api.get(API).json()
    assert (body["items"], body["hidden"]) == ([], 4)
    assert "night shifts" not in alice.client.get(PAGE).content.decode()
