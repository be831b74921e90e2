"""/insights/movement/: the 3x3 transition matrix, the moved-up share with its interval."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.insights.selectors_rows import default_periods
from earful.insights.tests.pages_data import Row, comments_count, page_text, save_answers
from earful.surveys.tests.factories import make_survey

URL = "/insights/movement/"


def test_the_matrix_counts_where_each_customer_went(alice, shop):
    html = alice.client.get(URL).content.decode()
    text = page_text(html)
    assert "Dissatisfied 0 0 10 100% 10" in text
    assert "Highly satisfied 10 100% 0 0 10" in text
    assert "50% of the 20 customers who answered in both periods moved up" in text
    assert "most likely between 30% and 70%" in text
    assert 'class="cell heat-' in html  # the heat table's shading (insights/pages.css)
    assert html.count("<svg") == 1


def test_every_cell_and_tier_count_links_to_the_comments_of_those_customers(alice, shop):
    html = alice.client.get(URL).content.decode()
    cells = re.findall(r'<a href="(/insights/comments/[^"]+)">(\d+)(?:<br>|</a>)', html)
    assert len(cells) >= 2 + 4  # two non-empty cells, four non-zero tier counts
    for link, number in cells:
        link = link.replace("&amp;", "&")
        assert "period=" in link
        assert comments_count(alice.client, link) == int(number), link
    up = re.search(r'<a href="([^"]+)">(\d+) moved up</a>', html)
    assert comments_count(alice.client, up.group(1).replace("&amp;", "&")) == 10


def test_periods_can_be_chosen_and_a_bad_one_is_named(alice, shop):
    a, b = default_periods()
    html = alice.client.get(URL, {"period_a": a.label, "period_b": "soon"}, follow=True)
    text = html.content.decode()
    assert "Second period: write a period as YYYY-MM-DD..YYYY-MM-DD" in text
    assert f'value="{b.label}"' in text  # the default in its place
    old = {"period_a": "2020-01-01..2020-01-31", "period_b": "2020-02-01..2020-02-29"}
    text = alice.client.get(URL, old).content.decode()
    assert "Nobody answered in both periods yet" in text


def test_every_survey_together_follows_customers_across_surveys(alice, shop):
    pulse = make_survey(alice.organization, title="Pulse")
    save_answers(pulse, [Row(10, None, shop.now - timedelta(days=2), "c-15")])
    one = page_text(alice.client.get(URL, {"survey": shop.survey.pk}).content.decode())
    every = page_text(alice.client.get(URL, {"survey": "all"}).content.decode())
    assert "10 moved up" in one
    assert "10 moved up" in every  # c-15's latest answer (Pulse, 10) is later than NPS's 2


def test_a_trustee_survey_says_why_it_has_no_movement(alice):
    survey = make_survey(alice.organization, title="Hidden", trust_mode="trustee")
    text = page_text(alice.client.get(URL, {"survey": survey.pk}).content.decode())
    assert "keeps no identity" in text


def test_bob_the_analyst_can_read_the_movement(alice, bob, shop):
    assert "moved up" in bob.client.get(URL).content.decode()


def test_charlie_gets_404_for_alice_s_survey_and_sees_none_of_her_data(alice, charlie, shop):
    assert charlie.client.get(URL, {"survey": shop.survey.pk}).status_code == 404
    html = charlie.client.get(URL, {"survey": "all"}).content.decode()
    assert "Relationship NPS" not in html
    assert "moved up at least one level" not in html


def test_the_page_takes_the_same_queries_for_three_times_the_customers(alice, shop):
    with CaptureQueriesContext(connection) as few:
        alice.client.get(URL)
    more = [
        Row(r % 11, "Sizing", shop.now - timedelta(days=r % 170), f"n-{r % 80}") for r in range(500)
    ]
    save_answers(shop.survey, more)
    with CaptureQueriesContext(connection) as many:
        alice.client.get(URL)
    assert len(many.captured_queries) == len(few.captured_queries)
