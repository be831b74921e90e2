"""/insights/drivers/: relative weights with their intervals, too-little-data listed apart."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.insights.tests.pages_data import (
    Row,
    comments_count,
    enrich,
    linked_numbers,
    page_text,
    save_answers,
)
from earful.surveys.tests.factories import make_survey

URL = "/insights/drivers/"


def test_the_drivers_are_ranked_with_their_intervals_in_plain_words(alice, shop):
    html = alice.client.get(URL).content.decode()
    text = page_text(html)
    assert "What moves the NPS most" in text
    assert re.search(r"1 How easy was it\? \(question\) [\d.]+% [\d.]+% and [\d.]+% higher", text)
    assert re.search(r"Late delivery \(theme\) [\d.]+% [\d.]+% and [\d.]+% lower scores yes", text)
    assert "Based on 260 complete answers" in text
    assert html.count("<svg") == 1
    assert "association, not proof of cause" in text


def test_every_driver_count_links_to_its_comments(alice, shop):
    links = linked_numbers(alice.client.get(URL).content.decode())
    themed = [(link, n) for link, n in links if "theme=" in link]
    assert len(themed) == 3
    for link, number in themed:
        assert f"survey={shop.survey.pk}" in link
        assert comments_count(alice.client, link) == number, link


def test_a_driver_with_too_little_data_is_listed_apart_with_its_count(alice, shop):
    small = make_survey(alice.organization, title="Small")
    save_answers(small, [Row(3 + i % 7, "Sizing", shop.now - timedelta(days=i)) for i in range(12)])
    html = alice.client.get(URL, {"survey": small.pk}).content.decode()
    text = page_text(html)
    assert "Nothing to rank yet" in text
    assert "Too little data to rank" in text
    assert "How easy was it? (question) 12" in text


def test_a_trustee_survey_hides_counts_under_five(alice, shop):
    hidden = make_survey(alice.organization, title="Hidden", trust_mode="trustee")
    save_answers(hidden, [Row(3, "Sizing", shop.now - timedelta(days=i)) for i in range(3)])
    enrich(alice.organization, shop.themes)
    text = page_text(alice.client.get(URL, {"survey": hidden.pk}).content.decode())
    assert "Sizing (theme) fewer than 5" in text


def test_bob_the_analyst_can_read_the_drivers(alice, bob, shop):
    assert "Late delivery" in bob.client.get(URL).content.decode()


def test_charlie_gets_404_for_alice_s_survey_and_sees_none_of_her_data(alice, charlie, shop):
    assert charlie.client.get(URL, {"survey": shop.survey.pk}).status_code == 404
    html = charlie.client.get(URL).content.decode()
    assert "Late delivery" not in html
    assert "Relationship NPS" not in html


def test_the_drivers_take_the_same_queries_for_three_times_the_answers(alice, shop):
    with CaptureQueriesContext(connection) as few:
        alice.client.get(URL)
    more = [Row(r % 11, "Sizing", shop.now - timedelta(hours=r + 1)) for r in range(500)]
    save_answers(shop.survey, more)
    with CaptureQueriesContext(connection) as many:
        alice.client.get(URL)
    assert len(many.captured_queries) == len(few.captured_queries)
