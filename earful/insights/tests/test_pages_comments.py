"""/insights/comments/: the comments behind any number, filtered exactly, paginated in a
constant number of queries, never showing who wrote a trustee survey's comment."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.customers.services import import_customers
from earful.feedback.models import FeedbackItem
from earful.insights.selectors_comments import CommentFilter, list_comments, parse_filter
from earful.insights.selectors_rows import RESPONSE_ITEM_PREFIX, default_periods
from earful.insights.tests.pages_data import Row, monday, save_answers
from earful.surveys.models import Response
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey

URL = "/insights/comments/"


def count_on_page(html: str) -> int:
    return int(re.search(r"<h2>(\d+) comments?</h2>", html).group(1))


def _truth(organization) -> list[dict]:
    """Every item with what its filters look at, read the slow, obvious way."""
    responses = {
        str(r.uid): r for r in Response.objects.filter(organization=organization)
    }  # fmt: skip
    rows = []
    for item in FeedbackItem.objects.filter(organization=organization).select_related("theme_link"):
        uid = item.source_key[len(RESPONSE_ITEM_PREFIX) :].split(":")[0]
        response = responses.get(uid)
        link = getattr(item, "theme_link", None)
        rows.append(
            {
                "id": item.pk,
                "survey": response.survey_id if response else None,
                "tier": response.tier if response else "",
                "theme": "" if link is None else str(link.theme_id or "emerging"),
                "sentiment": item.sentiment,
                "hesitant": item.hesitant,
                "at": item.received_at,
            }
        )
    return rows


def _expected(rows, *, start=None, end=None, **wanted) -> set[int]:
    return {
        r["id"]
        for r in rows
        if all(r[k] == v for k, v in wanted.items()) and (start is None or start <= r["at"] < end)
    }


def test_each_filter_returns_exactly_the_matching_comments(alice, shop):
    rows = _truth(alice.organization)
    delivery = str(shop.themes["Late delivery"].pk)
    last_monday = monday(shop.now) - timedelta(weeks=1)
    week = {"start": last_monday, "end": last_monday + timedelta(weeks=1)}
    cases = [
        ({"survey": str(shop.survey.pk)}, _expected(rows, survey=shop.survey.pk)),
        ({"tier": "dissatisfied"}, _expected(rows, tier="dissatisfied")),
        ({"theme": delivery}, _expected(rows, theme=delivery)),
        ({"theme": "emerging"}, _expected(rows, theme="emerging")),
        ({"sentiment": "positive"}, _expected(rows, sentiment="positive")),
        ({"hesitant": "yes"}, _expected(rows, hesitant=True)),
        ({"week": last_monday.date().isoformat()}, _expected(rows, **week)),
        (
            {"theme": delivery, "tier": "dissatisfied", "week": last_monday.date().isoformat()},
            _expected(rows, theme=delivery, tier="dissatisfied", **week),
        ),
    ]
    for params, expected in cases:
        f, errors = parse_filter(params)
        found = set(list_comments(alice.organization, f).items.values_list("id", flat=True))
        assert not errors
        assert expected, params  # the case means something
        assert found == expected, params
        html = alice.client.get(URL, params).content.decode()
        assert count_on_page(html) == len(expected), params


def test_comments_written_through_the_survey_are_found_by_survey_and_tier(alice):
    survey = make_survey(alice.organization)
    other = make_survey(alice.organization, title="Pulse")
    submit_response(survey=survey, answers={"nps": 2, "nps_comment": "Too slow"}, key="a")
    submit_response(survey=survey, answers={"nps": 10, "nps_comment": "Superb"}, key="b")
    submit_response(survey=other, answers={"nps": 1, "nps_comment": "Elsewhere"}, key="c")
    html = alice.client.get(URL, {"survey": survey.pk, "tier": "dissatisfied"}).content.decode()
    assert count_on_page(html) == 1
    assert "Too slow" in html
    assert "Superb" not in html
    assert "Elsewhere" not in html


def test_a_movement_cell_lists_the_comments_of_the_customers_who_moved(alice, shop):
    a, b = default_periods()
    base = {"survey": shop.survey.pk, "period_a": a.label, "period": b.label}
    html = alice.client.get(URL, base | {"moved": "dissatisfied..highly_satisfied"}).content
    text = html.decode()
    assert count_on_page(text) == 10
    assert all(f" c-{i})" in text for i in range(10))
    assert " c-15)" not in text
    up = alice.client.get(URL, base | {"moved": "up"}).content.decode()
    assert count_on_page(up) == 10
    down = alice.client.get(URL, base | {"moved": "down"}).content.decode()
    assert " c-15)" in down


def test_a_tier_count_per_period_lists_the_comments_of_those_customers(alice, shop):
    _, b = default_periods()
    params = {"survey": shop.survey.pk, "latest": "highly_satisfied", "period": b.label}
    html = alice.client.get(URL, params).content.decode()
    assert count_on_page(html) == 10  # c-0 .. c-9, yesterday; anonymous answers not followed


def test_a_trustee_survey_never_shows_who_wrote_and_hides_fewer_than_five(alice):
    import_customers(organization=alice.organization, rows=[{"external_id": "z", "name": "Zelda"}])
    survey = make_survey(alice.organization, trust_mode="trustee")
    for i in range(3):
        submit_response(
            survey=survey, answers={"nps": 2, "nps_comment": f"Secret {i}"}, key=str(i),
            customer_ref="z",
        )  # fmt: skip
    html = alice.client.get(URL, {"survey": survey.pk}).content.decode()
    assert count_on_page(html) == 0
    assert "Secret" not in html
    assert "3 more from a trustee survey are hidden" in html
    for i in range(3, 6):
        submit_response(
            survey=survey, answers={"nps": 2, "nps_comment": f"Secret {i}"}, key=str(i),
            customer_ref="z",
        )  # fmt: skip
    html = alice.client.get(URL, {"survey": survey.pk}).content.decode()
    assert count_on_page(html) == 6
    assert "Zelda" not in html
    assert "confidential" in html


def test_a_pseudonymous_survey_shows_the_code_not_the_customer(alice):
    import_customers(organization=alice.organization, rows=[{"external_id": "y", "name": "Yann"}])
    survey = make_survey(alice.organization, trust_mode="pseudonymous")
    submit_response(
        survey=survey, answers={"nps": 9, "nps_comment": "Nice"}, key="1", customer_ref="y"
    )
    html = alice.client.get(URL, {"survey": survey.pk}).content.decode()
    assert "Nice" in html
    assert "Yann" not in html
    assert re.search(r"R-[A-Z0-9]{6}", html)


def test_the_list_takes_the_same_queries_for_ten_times_the_comments(alice):
    survey = make_survey(alice.organization)
    now = monday(timezone.now())
    save_answers(survey, [Row(3, "Sizing", now - timedelta(days=d)) for d in range(30)])
    params = {"survey": survey.pk, "tier": "dissatisfied"}
    with CaptureQueriesContext(connection) as few:
        alice.client.get(URL, params)
    save_answers(survey, [Row(4, None, now - timedelta(hours=h)) for h in range(300)])
    with CaptureQueriesContext(connection) as many:
        html = alice.client.get(URL, params | {"page": 3}).content.decode()
    assert count_on_page(html) == 330
    assert "Page 3 of 14" in html
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_pager_keeps_the_filters(alice):
    survey = make_survey(alice.organization)
    now = timezone.now()
    save_answers(survey, [Row(3, "Sizing", now - timedelta(hours=h)) for h in range(30)])
    html = alice.client.get(URL, {"survey": survey.pk, "tier": "dissatisfied"}).content.decode()
    assert f"?survey={survey.pk}&amp;tier=dissatisfied&amp;page=2" in html


def test_an_unreadable_filter_is_named_and_left_out(alice, shop):
    html = alice.client.get(URL, {"week": "last tuesday", "tier": "dissatisfied"}).content
    text = html.decode()
    assert "Ignored week" in text
    assert "tier: dissatisfied" in text


def test_bob_the_analyst_can_read_the_comments(bob, alice, shop):
    html = bob.client.get(URL, {"survey": shop.survey.pk}).content.decode()
    assert count_on_page(html) == 260


def test_charlie_gets_404_for_alice_s_survey_or_theme(alice, charlie, shop):
    assert charlie.client.get(URL, {"survey": shop.survey.pk}).status_code == 404
    theme = shop.themes["Sizing"].pk
    assert charlie.client.get(URL, {"theme": theme}).status_code == 404


def test_charlie_sees_none_of_alice_s_comments(alice, charlie, shop):
    html = charlie.client.get(URL).content.decode()
    assert count_on_page(html) == 0
    assert "parcel" not in html
    html = charlie.client.get(URL, {"tier": "dissatisfied", "theme": "emerging"}).content
    assert count_on_page(html.decode()) == 0


def test_a_filter_writes_the_query_string_it_reads():
    f = CommentFilter(survey=3, theme="7", tier="satisfied", hesitant=False)
    again, errors = parse_filter(f.params())
    assert again == f
    assert not errors
    assert f.url() == "/insights/comments/?survey=3&theme=7&tier=satisfied&hesitant=no"
