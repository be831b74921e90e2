"""The health score on a planted history: a customer who said "fine" and stopped ordering on
their rhythm is found at risk with the reasons in words; a superfan is a champion."""

from __future__ import annotations

from datetime import timedelta

from earful.customers.tests.factories import CustomerFactory
from earful.health.models import CustomerHealth, HealthDay, HealthState
from earful.health.scoring import Inputs, band_for, score_customer
from earful.health.services.recompute import recompute_all, refresh_health
from earful.health.tests.conftest import NOW, ago, orders, settle, voice
from earful.surveys.models import TrustMode


def test_the_bands_follow_the_usual_scorecard_cuts():
    assert [band_for(s) for s in (81, 80, 60, 59, 40, 39)] == [
        "champion",
        "healthy",
        "healthy",
        "attention",
        "attention",
        "at_risk",
    ]


def test_a_late_order_explains_itself_against_the_customers_own_rhythm():
    inputs = Inputs(orders=7, first_order_at=ago(200), last_order_at=ago(74), orders_prior=4)
    result = score_customer(inputs, now=NOW)
    texts = [f"{r.points:+d}: {r.text}" for r in result.reasons]
    assert "-25: no order in 74 days, usually every 21" in texts
    assert result.due_at is None  # later than 3x its rhythm: time changes nothing more


def test_an_order_on_rhythm_is_due_again_the_day_it_becomes_late():
    inputs = Inputs(orders=3, first_order_at=ago(40), last_order_at=ago(0.5), orders_recent=3)
    result = score_customer(inputs, now=NOW)
    assert result.points["recency"] == 10
    assert result.due_at is not None
    assert result.due_at <= ago(0.5) + timedelta(days=20)


def test_the_planted_leaver_is_at_risk_and_the_superfan_a_champion(shop):
    recompute_all(organization_id=shop["fan"].organization_id, now=NOW)
    leaver = CustomerHealth.objects.get(customer=shop["leaver"])
    fan = CustomerHealth.objects.get(customer=shop["fan"])
    assert leaver.band in ("at_risk", "attention")
    assert leaver.score < 50
    texts = [text for _, _, text in leaver.reasons]
    assert "no order in 74 days, usually every 21" in texts
    assert "hesitant in 1 recent answer" in texts
    assert leaver.last_voice_mood == "fine"
    assert fan.band == "champion"
    assert fan.value_12m == 840


def test_a_trustee_answer_never_feeds_a_named_customers_health(alice, shop):
    from earful.surveys.models import Response, Survey

    survey = Survey.objects.create(
        organization=alice.organization, title="Anon", trust_mode=TrustMode.TRUSTEE
    )
    Response.objects.create(
        organization=alice.organization,
        survey=survey,
        customer=shop["steady"],  # even if a row named them, health would not read it
        idempotency_key="k1",
        tier="dissatisfied",
        score=1,
        submitted_at=ago(3),
    )
    recompute_all(organization_id=alice.organization.pk, now=NOW)
    steady = CustomerHealth.objects.get(customer=shop["steady"])
    assert steady.tier == ""
    assert all(component != "tier" for component, _, _ in steady.reasons)


def test_the_refresh_reads_only_what_changed_or_is_due(alice, shop):
    org_id = alice.organization.pk
    settle(alice.organization)
    assert recompute_all(organization_id=org_id, now=NOW).customers == 3
    assert refresh_health(organization_id=org_id, now=NOW + timedelta(minutes=30)).customers == 0
    newcomer = CustomerFactory(organization=alice.organization, external_id="new")
    orders(newcomer, [0])
    later = NOW + timedelta(hours=1)
    from earful.customers.models import CustomerEvent

    CustomerEvent.objects.filter(customer=newcomer).update(created_at=later)
    report = refresh_health(organization_id=org_id, now=later + timedelta(minutes=1))
    assert report.customers == 1
    assert HealthState.objects.get(organization_id=org_id).watermark == later + timedelta(minutes=1)


def test_the_history_keeps_a_row_only_on_days_the_score_changed(alice, shop):
    org_id = alice.organization.pk
    recompute_all(organization_id=org_id, now=NOW)
    recompute_all(organization_id=org_id, now=NOW + timedelta(days=1))
    assert HealthDay.objects.filter(customer=shop["steady"]).count() == 1  # unchanged
    assert HealthDay.objects.filter(customer=shop["fan"]).count() == 2  # an order aged past 90 days
    recompute_all(organization_id=org_id, now=NOW + timedelta(days=40))
    fan = CustomerHealth.objects.get(customer=shop["fan"])
    assert fan.trend < 0  # no order for 50 days after ordering every 20


def test_a_voice_without_a_customer_changes_nobodys_score(alice, shop):
    voice(None, "Terrible", sentiment="negative", organization=alice.organization)
    recompute_all(organization_id=alice.organization.pk, now=NOW)
    assert CustomerHealth.objects.get(customer=shop["steady"]).reasons == [
        ["recency", 10, "ordered 5 days ago, on rhythm (usually every 28)"],
        ["listening", -10, "nobody has contacted or answered them yet"],
    ]


def test_the_band_counts_roll_forward_with_each_change(alice, shop):
    from earful.health.selectors import overview
    from earful.health.services.recompute import recompute_customers

    recompute_all(organization_id=alice.organization.pk, now=NOW)
    before = overview(alice.organization)
    assert before.total == 3
    recompute_customers(
        organization_id=alice.organization.pk,
        customer_ids=[shop["fan"].pk],
        now=NOW + timedelta(days=120),  # no order for 130 days: the fan drops
    )
    after = overview(alice.organization)
    assert after.total == 3
    assert after.bands["champion"] == before.bands["champion"] - 1


def test_without_enough_history_the_default_weights_stay_and_the_page_says_why(alice, shop):
    from earful.health.services.fitting import fit_weights

    fit = fit_weights(organization_id=alice.organization.pk, now=NOW)
    assert fit["used"] == "default"
    assert fit["why"].startswith("not enough history yet")
    assert HealthState.objects.get(organization=alice.organization).weights == {}
    page = alice.client.get("/health/").content.decode()
    assert "not enough history yet" in page


def test_the_fit_learns_weights_from_a_planted_history(alice):
    import numpy as np

    from earful.health.scoring import COMPONENTS
    from earful.health.services.fitting import auc, logistic, weights_from

    rng = np.random.default_rng(19)
    points = np.zeros((600, len(COMPONENTS)))
    points[:, 0] = rng.choice([10, -4, -10, -18, -25], size=600)  # recency decides
    points[:, 5] = rng.choice([0, -8], size=600)  # hesitancy is noise here
    churned = (points[:, 0] <= -18).astype(float)
    weights = weights_from(logistic(points, churned), points)
    assert weights["recency"] > weights["hesitancy"]
    assert auc(-points[:, 0], churned) == 1.0
