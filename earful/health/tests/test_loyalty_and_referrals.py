"""Loyalty: points per amount, per order and bonuses, once per order however often the history
is imported, reversed on refund; never for answers or reviews (refused with the reason); the
customer's own page by signed link. Referrals: sign-ups and first purchases come back to the
link. Thank-yous: within the contact budget, through the outbox, counted by the budget."""

from __future__ import annotations

import json

from django.core import mail

from earful.customers.models import CustomerEvent
from earful.customers.services import import_orders
from earful.customers.tests.factories import CustomerFactory
from earful.health.models import LoyaltyEntry, Referral, ThankYou
from earful.health.services import loyalty, referrals, thanks
from earful.outreach.models import OutboundMessage

HISTORY = [
    {"order_id": f"o{k}", "customer": "ann", "occurred_at": f"2026-0{k}-01", "amount": "25.50"}
    for k in range(1, 6)
]


def _balance(customer):
    return loyalty.standing_of(customer).balance


def test_orders_earn_points_once_with_their_bonuses(alice, django_capture_on_commit_callbacks):
    org = alice.organization
    with django_capture_on_commit_callbacks(execute=True):
        import_orders(organization=org, rows=HISTORY)
    with django_capture_on_commit_callbacks(execute=True):
        import_orders(organization=org, rows=HISTORY)  # again: nothing new
    ann = CustomerEvent.objects.first().customer
    # 5 orders x (25 for 25.50 + 10 per order) + 50 first order + 100 on the 5th order
    assert _balance(ann) == 5 * 35 + 50 + 100
    assert LoyaltyEntry.objects.filter(customer=ann).count() == 7


def test_a_refund_reverses_exactly_what_its_order_earned(alice, django_capture_on_commit_callbacks):
    org = alice.organization
    with django_capture_on_commit_callbacks(execute=True):
        import_orders(organization=org, rows=HISTORY[:2])
    ann = CustomerEvent.objects.first().customer
    before = _balance(ann)
    refund = {**HISTORY[1], "type": "refund", "occurred_at": "2026-02-03"}
    with django_capture_on_commit_callbacks(execute=True):
        import_orders(organization=org, rows=[refund])
    assert _balance(ann) == before - 35
    assert LoyaltyEntry.objects.get(key="refund:o2").reason == "order o2 refunded"


def test_points_for_a_survey_answer_or_a_review_are_refused_with_the_reason(alice):
    ann = CustomerFactory(organization=alice.organization)
    for kind, words in (("survey_answer", "answering a survey"), ("review", "writing a review")):
        response = alice.api.post(
            f"/api/v1/loyalty/customers/{ann.pk}/adjust",
            json.dumps({"points": 50, "kind": kind, "reason": "thanks"}),
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["detail"][0]["field"] == "kind"
        assert words in response.json()["detail"][0]["message"]
    assert not LoyaltyEntry.objects.exists()


def test_levels_and_the_signed_customer_page(alice, client):
    ann = CustomerFactory(organization=alice.organization, name="Ann")
    loyalty.set_levels(
        organization=alice.organization,
        levels=[("Silver", 100, "free shipping"), ("Gold", 500, "early access")],
    )
    loyalty.adjust_points(customer=ann, points=150, kind="goodwill", reason="sorry for the delay")
    body = alice.api.get(f"/api/v1/loyalty/customers/{ann.pk}").json()
    assert (body["balance"], body["level"], body["next_level"], body["to_next"]) == (
        150,
        "Silver",
        "Gold",
        350,
    )
    page = client.get(body["page_url"].split("127.0.0.1:8000")[-1]).content.decode()
    assert "150 points" in page
    assert "sorry for the delay" in page
    assert client.get("/l/forged-value/").status_code == 404


def test_moved_up_a_level_is_listed(alice):
    from datetime import timedelta

    from django.utils import timezone

    from earful.health.selectors import moved_up_a_level

    ann = CustomerFactory(organization=alice.organization, name="Ann")
    loyalty.set_levels(organization=alice.organization, levels=[("Silver", 100, "")])
    loyalty.adjust_points(customer=ann, points=150, kind="goodwill", reason="welcome back")
    moved = moved_up_a_level(alice.organization, since=timezone.now() - timedelta(days=30))
    assert [(m.customer, m.before, m.now) for m in moved] == [(ann, "", "Silver")]


def test_a_referral_sign_up_and_first_purchase_come_back_to_the_link(
    alice, client, django_capture_on_commit_callbacks
):
    fan = CustomerFactory(organization=alice.organization, external_id="fan")
    link = referrals.referral_link_for(customer=fan)
    assert client.get(f"/ref/{link.code}/").status_code == 200  # the landing page, counted
    response = alice.api.post(
        "/api/v1/health/referrals/signups",
        json.dumps({"code": link.code, "customer": "newbie"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        import_orders(
            organization=alice.organization,
            rows=[
                {
                    "order_id": "n1",
                    "customer": "newbie",
                    "occurred_at": "2026-05-01",
                    "amount": "10",
                }
            ],
        )
    stats = alice.api.get("/api/v1/health/referrals").json()
    assert stats == {"links": 1, "clicks": 1, "signups": 1, "bought": 1, "conversion": 100.0}
    assert Referral.objects.get().first_purchase_at is not None


def test_nobody_refers_themselves_and_a_bad_code_names_the_field(alice):
    fan = CustomerFactory(organization=alice.organization, external_id="fan")
    link = referrals.referral_link_for(customer=fan)
    own = alice.api.post(
        "/api/v1/health/referrals/signups",
        json.dumps({"code": link.code, "customer": "fan"}),
        content_type="application/json",
    )
    assert own.status_code == 422
    bad = alice.api.post(
        "/api/v1/health/referrals/signups",
        json.dumps({"code": "nope", "customer": "x"}),
        content_type="application/json",
    )
    assert bad.json()["detail"] == [{"field": "code", "message": "no referral link has this code"}]


def test_a_thank_you_goes_through_the_outbox_and_the_budget_counts_it(
    alice, django_capture_on_commit_callbacks
):
    fan = CustomerFactory(organization=alice.organization, email="fan@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        first = thanks.thank_customers(organization=alice.organization, customer_ids=[fan.pk])
    assert first[0].queued
    assert len(mail.outbox) == 1
    assert "Thank you" in mail.outbox[0].subject
    assert "review" not in mail.outbox[0].body.lower()  # a thank-you never asks for one
    assert OutboundMessage.objects.get(customer=fan).kind == "thank_you"
    second = thanks.thank_customers(organization=alice.organization, customer_ids=[fan.pk])
    assert not second[0].queued
    assert second[0].reason.startswith("cooldown")
    assert ThankYou.objects.count() == 1
