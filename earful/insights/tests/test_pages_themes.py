"""/insights/themes/ and one theme: volume, sentiment, weekly mentions and trend, every number
linked to its comments; rename, merge and split for those allowed to edit."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import numpy as np
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from earful.feedback.models import FeedbackItem
from earful.insights.models import ItemTheme, Theme, ThemeStatus
from earful.insights.services.embeddings import store_embeddings
from earful.insights.tests.pages_data import (
    Row,
    comments_count,
    enrich,
    linked_numbers,
    make_shop,
    page_text,
    save_answers,
)

URL = "/insights/themes/"


def test_the_themes_page_shows_volume_sentiment_sparkline_and_trend(alice, shop):
    html = alice.client.get(URL).content.decode()
    text = page_text(html)
    # The size of a rise depends on how much of this week has passed (its exposure).
    assert re.search(r"Late delivery .*? 138 100% 0% 0 ▲ rising \+\d+%", text)
    assert re.search(r"Sizing .*? 44 100% 0% 0 ▼ falling", text)
    assert re.search(r"Friendly staff .*? 54 0% 100% 0 ▲ rising \+\d+%", text)
    assert html.count('class="spark"') == 3
    assert "24 comments fit no theme" in text


def test_every_number_on_the_themes_page_links_to_exactly_its_comments(alice, shop):
    links = linked_numbers(alice.client.get(URL).content.decode())
    assert len(links) == 3 * 2  # volume and hesitant per theme
    for link, number in links:
        assert "theme=" in link
        assert comments_count(alice.client, link) == number, link
    emerging = alice.client.get(URL).content.decode()
    href = re.search(r'<a href="([^"]+theme=emerging)"><strong>(\d+)', emerging)
    assert comments_count(alice.client, href.group(1)) == int(href.group(2)) == 24


def test_the_page_says_when_themes_will_appear(alice):
    html = alice.client.get(URL).content.decode()
    assert "Themes appear after the first analysis run" in html


def test_a_theme_shows_key_phrases_examples_weekly_mentions_and_comments(alice, shop):
    theme = shop.themes["Late delivery"]
    first = FeedbackItem.objects.filter(theme_link__theme=theme).order_by("id").first()
    Theme.objects.filter(pk=theme.pk).update(examples=[first.pk])
    html = alice.client.get(f"{URL}{theme.pk}/").content.decode()
    assert "late delivery" in html  # a key phrase
    assert "Typical comments" in html
    assert first.text in html
    bars = re.findall(r'<a href="([^"]+week=[^"]+)"><rect[^>]*><title>[^<]*: (\d+)</title>', html)
    assert len(bars) == 12  # late parcels every week
    assert sum(int(n) for _, n in bars) == 138  # all in the last 12 weeks
    for link, number in bars[-2:]:
        assert comments_count(alice.client, unescape(link)) == int(number)
    assert "All 138 comments about “Late delivery”" in html
    for link, number in linked_numbers(html):
        assert comments_count(alice.client, link) == number, link


def test_alice_renames_a_theme_and_everyone_sees_the_new_name(alice, bob, shop):
    theme = shop.themes["Sizing"]
    response = alice.client.post(f"{URL}{theme.pk}/rename/", {"label": "Fit and sizing"})
    assert response.status_code == 302
    assert "Fit and sizing" in bob.client.get(URL).content.decode()


def test_bob_the_analyst_merges_two_themes(alice, bob, shop):
    sizing, delivery = shop.themes["Sizing"], shop.themes["Late delivery"]
    response = bob.client.post(f"{URL}{sizing.pk}/merge/", {"into": delivery.pk})
    assert response["Location"] == f"{URL}{delivery.pk}/"
    assert ItemTheme.objects.filter(theme=delivery).count() == 138 + 44
    sizing.refresh_from_db()
    assert sizing.status == ThemeStatus.MERGED
    assert "merged into" in bob.client.get(f"{URL}{sizing.pk}/").content.decode()


def test_alice_splits_a_theme_in_two(alice, shop):
    staff = shop.themes["Friendly staff"]
    items = list(FeedbackItem.objects.filter(theme_link__theme=staff).order_by("id"))
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((2, 384))
    vectors = np.vstack([centres[i % 2] + 0.05 * rng.standard_normal(384) for i in range(54)])
    store_embeddings(items=items, vectors=vectors / np.linalg.norm(vectors, axis=1)[:, None])
    response = alice.client.post(f"{URL}{staff.pk}/split/", {"into": "2"}, follow=True)
    assert "split into" in response.content.decode()
    assert Theme.objects.filter(split_from=staff, status=ThemeStatus.ACTIVE).count() == 2


def test_a_bad_edit_is_refused_with_a_message(alice, shop):
    sizing = shop.themes["Sizing"]
    response = alice.client.post(f"{URL}{sizing.pk}/merge/", {"into": sizing.pk}, follow=True)
    assert "Not merged" in response.content.decode()
    response = alice.client.post(f"{URL}{sizing.pk}/split/", {"into": "many"}, follow=True)
    assert "Not split" in response.content.decode()


def test_a_viewer_reads_themes_but_may_not_edit_them(persona_with_role, shop):
    viewer = persona_with_role("viewer")
    sizing = shop.themes["Sizing"]
    html = viewer.client.get(f"{URL}{sizing.pk}/").content.decode()
    assert "Rename" not in html
    response = viewer.client.post(f"{URL}{sizing.pk}/rename/", {"label": "x"})
    assert response.status_code == 403


def test_the_edit_forms_carry_a_csrf_token(alice, shop):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice.member.user)
    sizing = shop.themes["Sizing"]
    html = strict.get(f"{URL}{sizing.pk}/").content.decode()
    assert html.count('name="csrfmiddlewaretoken"') >= 4  # sign out, rename, merge, split
    assert strict.post(f"{URL}{sizing.pk}/rename/", {"label": "x"}).status_code == 403


def test_charlie_gets_404_for_alice_s_themes(alice, charlie, shop):
    sizing, delivery = shop.themes["Sizing"], shop.themes["Late delivery"]
    assert charlie.client.get(f"{URL}{sizing.pk}/").status_code == 404
    assert charlie.client.post(f"{URL}{sizing.pk}/rename/", {"label": "x"}).status_code == 404
    assert charlie.client.post(f"{URL}{sizing.pk}/split/", {"into": "2"}).status_code == 404
    own = make_shop(charlie.organization).themes["Sizing"]
    response = charlie.client.post(f"{URL}{own.pk}/merge/", {"into": delivery.pk})
    assert response.status_code == 404
    assert ItemTheme.objects.filter(theme=delivery).count() == 138


def test_charlie_sees_none_of_alice_s_themes(alice, charlie, shop):
    html = charlie.client.get(URL).content.decode()
    assert "Late delivery" not in html
    assert "0 comments fit no theme" in page_text(html)


def test_the_themes_pages_take_the_same_queries_for_three_times_the_comments(alice, shop):
    sizing = shop.themes["Sizing"]
    with CaptureQueriesContext(connection) as few:
        alice.client.get(URL)
    with CaptureQueriesContext(connection) as few_detail:
        alice.client.get(f"{URL}{sizing.pk}/")
    more = [Row(r % 11, "Sizing", shop.now - timedelta(hours=r + 1)) for r in range(500)]
    save_answers(shop.survey, more)
    enrich(alice.organization, shop.themes)
    with CaptureQueriesContext(connection) as many:
        alice.client.get(URL)
    with CaptureQueriesContext(connection) as many_detail:
        html = alice.client.get(f"{URL}{sizing.pk}/").content.decode()
    assert "All 544 comments" in html
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many_detail.captured_queries) == len(few_detail.captured_queries)
