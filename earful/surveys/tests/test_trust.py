"""Trust modes: identified, pseudonymous, trustee; no IP addresses; prize draws for everyone."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from earful.customers.services import upsert_customer
from earful.feedback.models import FeedbackItem
from earful.surveys.models import PrizeDrawEntry, Response, ResponseIdentity
from earful.surveys.services import submit_response, update_survey
from earful.surveys.tests.factories import make_survey
from earful.surveys.trust import respondent_code

SECRET_NAME = "Zelda Quintessa"


@pytest.fixture
def customer(alice):
    data = {"external_id": "cus-zq", "name": SECRET_NAME, "email": "zelda@example.test"}
    return upsert_customer(organization=alice.organization, data=data)[0]


def answer_api(survey, body, key):
    return Client().post(
        f"/api/v1/public/surveys/{survey.public_id}/responses",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
        REMOTE_ADDR="203.0.113.77",
    )


def answer_many(survey, scores, *, customer_ref="cus-zq"):
    for i, score in enumerate(scores):
        answers = {"nps": score, "nps_comment": f"Comment number {i}"}
        submit_response(survey=survey, answers=answers, key=f"k{i}", customer_ref=customer_ref)


def test_a_pseudonymous_response_carries_a_stable_code_instead_of_the_customer(alice, customer):
    survey = make_survey(alice.organization, trust_mode="pseudonymous")
    other = make_survey(alice.organization, title="Two", trust_mode="pseudonymous")
    answer_many(survey, [9])
    answer_many(other, [3])
    first, second = Response.objects.order_by("id")
    assert (first.customer, first.customer_ref) == (None, "")
    assert first.respondent_code == second.respondent_code
    assert first.respondent_code[:2] == "R-"
    assert len(first.respondent_code) == 8
    assert ResponseIdentity.objects.get(response=first).customer == customer


def test_the_code_differs_between_customers_and_between_organizations():
    assert respondent_code(1, "cus-1") != respondent_code(1, "cus-2")
    assert respondent_code(1, "cus-1") != respondent_code(2, "cus-1")
    assert respondent_code(1, "cus-1") == respondent_code(1, "cus-1")


def test_a_pseudonymous_dashboard_shows_codes_not_customers(alice, customer):
    survey = make_survey(alice.organization, trust_mode="pseudonymous")
    answer_many(survey, [9, 3])
    html = alice.client.get(f"/surveys/{survey.pk}/dashboard/").content.decode()
    assert Response.objects.first().respondent_code in html
    assert SECRET_NAME not in html


def test_a_trustee_survey_never_leaks_who_answered(alice, customer):
    survey = make_survey(alice.organization, trust_mode="trustee")
    answer_many(survey, [10, 9, 9, 8, 7, 3, 2])
    replies = [
        alice.client.get(f"/surveys/{survey.pk}/dashboard/"),
        alice.client.get("/surveys/"),
        alice.api.get(f"/api/v1/surveys/{survey.pk}/summary"),
        alice.api.get(f"/api/v1/surveys/{survey.pk}"),
        answer_api(survey, {"answers": {"nps": 4}, "customer": "cus-zq"}, "api"),
    ]
    for reply in replies:
        text = reply.content.decode()
        leaks = [secret for secret in (SECRET_NAME, "cus-zq", "zelda") if secret in text]
        assert leaks == []
    assert not Response.objects.exclude(customer=None).exists()
    assert not Response.objects.exclude(customer_ref="").exists()
    assert not Response.objects.exclude(respondent_code="").exists()
    assert not FeedbackItem.objects.exclude(customer=None).exists()
    assert ResponseIdentity.objects.filter(customer=customer).count() == 8


def test_a_trustee_dashboard_hides_groups_of_fewer_than_five(alice):
    survey = make_survey(alice.organization, trust_mode="trustee")
    answer_many(survey, [10, 9, 9, 9, 9, 9, 3], customer_ref="")
    summary = alice.api.get(f"/api/v1/surveys/{survey.pk}/summary").json()
    assert summary["responses"] == 7
    assert summary["suppressed"] is True
    assert summary["tiers"] == {"highly_satisfied": None, "satisfied": None, "dissatisfied": None}
    assert summary["score"]["value"] == 71.4  # (6 - 1) / 7: seven scores, the score is shown
    html = alice.client.get(f"/surveys/{survey.pk}/dashboard/").content.decode()
    assert "Dissatisfied (fewer than 5)" in html
    assert "Dissatisfied (1)" not in html


def test_a_trustee_dashboard_shows_no_comments_before_five_people_answered(alice):
    survey = make_survey(alice.organization, trust_mode="trustee")
    answer_many(survey, [10, 9], customer_ref="")
    html = alice.client.get(f"/surveys/{survey.pk}/dashboard/").content.decode()
    assert "Comment number" not in html
    assert "once 5 people have answered" in html


def test_an_identified_survey_still_shows_small_groups(alice):
    survey = make_survey(alice.organization)
    answer_many(survey, [10, 3], customer_ref="")
    summary = alice.api.get(f"/api/v1/surveys/{survey.pk}/summary").json()
    assert summary["tiers"]["dissatisfied"] == 1
    assert summary["suppressed"] is False


def test_the_trust_mode_cannot_change_after_publishing(alice):
    survey = make_survey(alice.organization, trust_mode="trustee")
    refused = alice.api.patch(
        f"/api/v1/surveys/{survey.pk}",
        json.dumps({"trust_mode": "identified"}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "trust_mode"
    survey.refresh_from_db()
    assert survey.trust_mode == "trustee"


def test_no_ip_address_is_stored_anywhere(alice, customer):
    survey = make_survey(alice.organization, trust_mode="trustee", prize_draw=True)
    answer_api(survey, {"answers": {"nps": 9}, "customer": "cus-zq", "prize_draw": True}, "a")
    Client().post(
        f"/s/{survey.public_id}/", {"idempotency_key": "p", "nps": "3"}, REMOTE_ADDR="203.0.113.77"
    )
    ip_fields = [
        f"{m.__name__}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.GenericIPAddressField) or "ip_addr" in f.name
    ]
    assert ip_fields == ["AuditEvent.address"]  # staff's own changes (privacy app), never answers
    for model in apps.get_models():
        for row in model.objects.values():
            assert "203.0.113.77" not in json.dumps(row, default=str), model.__name__


def test_every_respondent_who_opts_in_is_entered_whatever_they_answered(alice):
    survey = make_survey(alice.organization, prize_draw=True)
    answer_api(survey, {"answers": {"nps": 0}, "prize_draw": True}, "a")
    answer_api(survey, {"answers": {"nps": 10}, "prize_draw": True}, "b")
    answer_api(survey, {"answers": {"nps": 10}, "prize_draw": True}, "b")  # a retry
    answer_api(survey, {"answers": {"nps": 5}}, "c")  # did not opt in
    assert PrizeDrawEntry.objects.filter(survey=survey).count() == 2
    assert {f.name for f in PrizeDrawEntry._meta.get_fields()}.isdisjoint({"response", "score"})


def test_the_page_offers_the_prize_draw_only_when_the_survey_has_one(alice):
    with_draw = make_survey(alice.organization, prize_draw=True)
    without = make_survey(alice.organization, title="No draw")
    assert "prize draw" in Client().get(f"/s/{with_draw.public_id}/").content.decode()
    assert "prize draw" not in Client().get(f"/s/{without.public_id}/").content.decode()
    Client().post(
        f"/s/{with_draw.public_id}/", {"idempotency_key": "k", "nps": "9", "prize_draw": "on"}
    )
    assert PrizeDrawEntry.objects.count() == 1


def test_a_draft_can_switch_to_trustee_mode(alice):
    survey = make_survey(alice.organization, published=False)
    update_survey(survey=survey, trust_mode="trustee")
    survey.refresh_from_db()
    assert survey.is_trustee
