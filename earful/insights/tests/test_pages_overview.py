"""/insights/: what changed, the rising and falling trends, who moved up a level."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.insights.tests.pages_data import (
    Row,
    comments_count,
    linked_numbers,
    save_answers,
)
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import QuestionSpec

URL = "/insights/"


def test_the_overview_says_what_changed_and_what_rose_or_fell(alice, shop):
    html = alice.client.get(URL).content.decode()
    assert "What changed this week" in html
    assert re.search(r"NPS fell 110\.0 points: \d+\.\d from Late delivery\.", html)
    assert "Share dissatisfied, answers about “Late delivery”" in html
    assert "rose from 0% to 100% (+100.0 points)" in html
    assert "false-alarm rate at 5%" in html
    assert html.count("<svg") >= 3  # score, answers per week, where each tier went


def test_the_overview_shows_who_moved_up_with_its_interval(alice, shop):
    html = alice.client.get(URL).content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert "50% of the 20 customers who answered in both periods moved up" in text
    assert "most likely between 30% and 70%" in text


def test_every_number_links_to_exactly_the_comments_behind_it(alice, shop):
    html = alice.client.get(URL).content.decode()
    links = linked_numbers(html)
    assert len(links) >= 8  # answers behind each trend, moved up, theme volumes
    for link, number in links:
        assert f"survey={shop.survey.pk}" in link or "theme=" in link
        assert comments_count(alice.client, link) == number, link


def test_the_weekly_bars_link_to_that_week_s_comments(alice, shop):
    html = alice.client.get(URL).content.decode()
    bars = re.findall(r'<a href="([^"]+week=[^"]+)"><rect[^>]*><title>[^<]*: (\d+)</title>', html)
    assert len(bars) == 12
    for link, number in bars[-3:]:
        assert "week=" in link
        assert comments_count(alice.client, unescape(link)) == int(number)


def test_the_main_nps_survey_is_shown_first_and_another_can_be_chosen(alice, shop):
    csat = make_survey(
        alice.organization, title="Checkout CSAT",
        questions=[QuestionSpec(key="csat", type="csat", text="Happy?")],
    )  # fmt: skip
    html = alice.client.get(URL).content.decode()
    assert f'<option value="{shop.survey.pk}" selected>' in html
    html = alice.client.get(URL, {"survey": csat.pk}).content.decode()
    assert f'<option value="{csat.pk}" selected>' in html
    assert "Not enough answers in both windows" in html


def test_a_trustee_survey_follows_nobody(alice):
    survey = make_survey(alice.organization, trust_mode="trustee")
    html = alice.client.get(URL, {"survey": survey.pk}).content.decode()
    assert "customers are not followed over time" in html
    assert "moved up at least one level" not in html


def test_an_organization_without_surveys_is_told_where_to_start(alice):
    html = alice.client.get(URL).content.decode()
    assert "Nothing to show yet" in html


def test_bob_the_analyst_can_read_the_overview(alice, bob, shop):
    assert bob.client.get(URL).status_code == 200


def test_charlie_gets_404_for_alice_s_survey_and_sees_none_of_her_data(alice, charlie, shop):
    assert charlie.client.get(URL, {"survey": shop.survey.pk}).status_code == 404
    html = charlie.client.get(URL).content.decode()
    assert "Relationship NPS" not in html
    assert "Late delivery" not in html


def test_the_overview_loads_nothing_from_another_host(alice, shop):
    html = alice.client.get(URL).content.decode()
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []


def test_the_overview_takes_the_same_queries_for_three_times_the_answers(alice, shop):
    with CaptureQueriesContext(connection) as few:
        alice.client.get(URL)
    more = [Row(r % 11, "Sizing", shop.now - timedelta(hours=r + 1)) for r in range(500)]
    save_answers(shop.survey, more)
    with CaptureQueriesContext(connection) as many:
        alice.client.get(URL)
    assert len(many.captured_queries) == len(few.captured_queries)
