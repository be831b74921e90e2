"""The home page: every survey's score, trend, tiers and week in plain words, urgent alerts
first; the customer list with tiers; one customer's page. Charlie sees none of org A."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.alerts.models import Alert
from earful.customers.tests.factories import CustomerFactory
from earful.feedback.models import FeedbackItem
from earful.home.selectors import Window, survey_cards, tier_words
from earful.home.words import change_sentence, is_clear_change
from earful.surveys.models import Response, Survey
from earful.surveys.scoring import tier_for
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import QuestionSpec

pytestmark = pytest.mark.django_db


def answers(survey: Survey, scores: list[int], *, at: datetime, customer=None) -> None:
    kind = survey.score_kind
    Response.objects.bulk_create(
        Response(
            organization_id=survey.organization_id, survey=survey, uid=uuid.uuid4(),
            idempotency_key=uuid.uuid4().hex, submitted_at=at - timedelta(minutes=i),
            finished_at=at, score=score, tier=tier_for(kind, score), expanded_at=at,
            customer=customer,
        )
        for i, score in enumerate(scores)
    )  # fmt: skip


def csat_survey(organization) -> Survey:
    question = QuestionSpec(key="csat", type="csat", text="How satisfied were you?")
    return make_survey(organization, title="Support CSAT", questions=[question])


def test_the_home_page_shows_each_surveys_score_and_its_week_in_words(alice):
    survey = make_survey(alice.organization, title="Relationship NPS")
    now = timezone.now()
    answers(survey, [10, 10, 9, 3], at=now - timedelta(days=2))
    html = alice.client.get("/").content.decode()
    assert "Relationship NPS" in html
    assert "50.0" in html  # 3 promoters, 1 detractor of 4
    assert "4 answers in the last 7 days" in html
    assert "Promoters (9-10)" in html


def test_charlie_sees_none_of_org_as_surveys_on_his_home_page(alice, charlie):
    survey = make_survey(alice.organization, title="Alice's secret survey")
    answers(survey, [10], at=timezone.now())
    assert "Alice's secret survey" not in charlie.client.get("/").content.decode()


def test_a_signed_out_visitor_is_sent_to_sign_in(client, db):
    assert client.get("/").status_code == 302


def test_the_home_page_reads_as_many_queries_for_many_answers_as_for_few(alice):
    survey = make_survey(alice.organization)
    now = timezone.now()
    answers(survey, [10, 3], at=now)
    alice.client.get("/")
    with CaptureQueriesContext(connection) as few:
        alice.client.get("/")
    for week in range(12):
        answers(survey, [10, 9, 8, 7, 2] * 4, at=now - timedelta(weeks=week))
    with CaptureQueriesContext(connection) as many:
        alice.client.get("/")
    assert len(many) == len(few)


def test_a_csat_3_is_not_called_a_detractor():
    assert tier_words("csat", "dissatisfied") == "Not satisfied (1-3)"
    assert tier_words("ces", "dissatisfied") == "Hard work (1-4)"
    assert tier_words("nps", "dissatisfied") == "Detractors (0-6)"


def test_a_csat_surveys_tiers_use_csat_words_on_the_home_page(alice):
    survey = csat_survey(alice.organization)
    answers(survey, [5, 4, 3], at=timezone.now())
    html = alice.client.get("/").content.decode()
    assert "Not satisfied (1-3)" in html
    assert "Detractor" not in html


def _window(kind: str, scores: list[int]) -> Window:
    window = Window()
    for score in scores:
        window.add(tier_for(kind, score), 1, score, score * score)
    return window


def test_a_small_rise_from_few_answers_is_explained_as_possibly_chance(alice):
    survey = make_survey(alice.organization)
    now = timezone.now()
    answers(survey, [10] * 6 + [8] * 4 + [3] * 5, at=now - timedelta(days=1))
    answers(survey, [10] * 5 + [8] * 5 + [3] * 5, at=now - timedelta(days=8))
    (card,) = survey_cards(alice.organization, now=now)
    sentence = change_sentence(card)
    assert "NPS rose 6.7 points" in sentence
    assert "happens by chance alone" in sentence


def test_a_large_change_on_many_answers_is_called_real():
    before = _window("nps", [3] * 60 + [10] * 40)
    now = _window("nps", [10] * 70 + [3] * 30)
    assert is_clear_change("nps", now, before)
    assert not is_clear_change("nps", _window("nps", [10, 3, 10]), _window("nps", [3, 10, 3]))


def test_the_viral_post_alert_comes_before_detractor_alerts(alice):
    survey = make_survey(alice.organization)
    from earful.alerts.tests.conftest import make_rule

    detractor, viral = (
        make_rule(alice.organization, "detractor"),
        make_rule(alice.organization, "viral_risk"),
    )
    now = timezone.now()
    viral_alert = Alert.objects.create(
        organization=alice.organization, rule=viral, kind="viral_risk", dedupe_key="item:1",
        fired_at=now - timedelta(hours=3), summary="A post about you is spreading fast",
    )  # fmt: skip
    for i in range(5):
        Alert.objects.create(
            organization=alice.organization, rule=detractor, kind="detractor",
            dedupe_key=f"response:{i}", fired_at=now - timedelta(minutes=i),
            summary=f"Detractor answer {i}",
        )  # fmt: skip
    html = alice.client.get("/").content.decode()
    assert html.index(viral_alert.summary) < html.index("Detractor answer 0")
    assert survey.title in html


# ---------------------------------------------------------------- customers


def test_the_customer_list_shows_each_customers_tier_and_last_score_and_links_their_page(alice):
    survey = csat_survey(alice.organization)
    ann = CustomerFactory(organization=alice.organization, name="Ann Example")
    answers(survey, [5], at=timezone.now() - timedelta(days=3), customer=ann)
    answers(survey, [2], at=timezone.now() - timedelta(days=1), customer=ann)
    html = alice.client.get("/customers/").content.decode()
    assert f'href="/customers/{ann.pk}/"' in html
    assert "dissatisfied" in html
    assert ">2 <" in html.replace("\n", "")


def test_the_customer_list_reads_as_many_queries_for_many_customers_as_for_few(alice):
    survey = csat_survey(alice.organization)
    for customer in CustomerFactory.create_batch(3, organization=alice.organization):
        answers(survey, [4], at=timezone.now(), customer=customer)
    alice.client.get("/customers/")
    with CaptureQueriesContext(connection) as few:
        alice.client.get("/customers/")
    for customer in CustomerFactory.create_batch(30, organization=alice.organization):
        answers(survey, [4, 5], at=timezone.now(), customer=customer)
    with CaptureQueriesContext(connection) as many:
        alice.client.get("/customers/")
    assert len(many) == len(few)


def test_a_customer_page_shows_their_profile_tier_over_time_and_every_voice(alice):
    survey = csat_survey(alice.organization)
    ann = CustomerFactory(organization=alice.organization, name="Ann Example")
    answers(survey, [5], at=timezone.now() - timedelta(days=30), customer=ann)
    answers(survey, [2], at=timezone.now() - timedelta(days=1), customer=ann)
    FeedbackItem.objects.create(
        organization=alice.organization, customer=ann, channel="ticket",
        text="My parcel never came", received_at=timezone.now(), source_key="t:1",
    )  # fmt: skip
    html = alice.client.get(f"/customers/{ann.pk}/").content.decode()
    assert "Ann Example" in html
    assert "Tier over time" in html
    assert "<svg" in html
    assert "My parcel never came" in html
    assert "Answered “Support CSAT”" in html


def test_charlie_gets_404_for_a_customer_of_org_a(alice, charlie):
    ann = CustomerFactory(organization=alice.organization)
    assert charlie.client.get(f"/customers/{ann.pk}/").status_code == 404


def test_an_inbox_item_names_its_customer_with_a_link_to_their_page(alice):
    ann = CustomerFactory(organization=alice.organization, name="Ann Example")
    item = FeedbackItem.objects.create(
        organization=alice.organization, customer=ann, channel="ticket", text="Where is it?",
        received_at=timezone.now(), source_key="t:2",
    )  # fmt: skip
    assert f'href="/customers/{ann.pk}/"' in alice.client.get("/inbox/").content.decode()
    assert f'href="/customers/{ann.pk}/"' in alice.client.get(f"/inbox/{item.pk}/").content.decode()
