"""The lists on a planted history: the leaver who said "fine" is found with their words; the
superfan is found with why; the untouched customer is on the radar with a budgeted suggestion."""

from __future__ import annotations

from datetime import timedelta

from earful.customers.tests.factories import CustomerFactory
from earful.health import selectors
from earful.health.services.recompute import recompute_all
from earful.health.tests.conftest import NOW, ago, answer, orders, voice
from earful.outreach.models import MessageState, OutboundMessage


def _scored(alice):
    recompute_all(organization_id=alice.organization.pk, now=NOW)
    return alice.organization


def test_the_leaver_who_said_fine_is_listed_with_their_words(alice, shop):
    rows = selectors.said_fine_then_left(_scored(alice))
    assert [h.customer.external_id for h in rows] == ["leaver"]
    assert rows[0].last_voice.text == "It's fine I guess, does the job"
    assert rows[0].value_12m == 560  # 7 orders of 80 in the year


def test_a_happy_customer_who_stopped_ordering_is_not_said_fine(alice, shop):
    happy = CustomerFactory(organization=alice.organization, external_id="happy")
    orders(happy, [200, 180, 160, 140])
    voice(happy, "Wonderful service", days_ago=150, sentiment="positive", score=10)
    rows = selectors.said_fine_then_left(_scored(alice))
    assert "happy" not in [h.customer.external_id for h in rows]


def test_the_leavers_are_ranked_by_value_at_risk(alice, shop):
    big = CustomerFactory(organization=alice.organization, external_id="big")
    orders(big, [200, 170, 140, 110], amount="900.00")
    voice(big, "ok", days_ago=100, score=7)
    rows = selectors.said_fine_then_left(_scored(alice))
    assert [h.customer.external_id for h in rows] == ["big", "leaver"]


def test_the_superfan_is_found_and_the_others_are_not(alice, shop):
    rows = selectors.superfans(_scored(alice))
    assert [h.customer.external_id for h in rows] == ["fan"]
    assert rows[0].orders_12m == 7


def test_the_radar_lists_the_untouched_by_value_and_says_when_the_budget_refuses(alice, shop):
    org = alice.organization
    OutboundMessage.objects.create(
        organization=org,
        customer=shop["fan"],
        kind="invitation",
        state=MessageState.SENT,
        send_after=ago(100),
        sent_at=ago(100),
    )
    OutboundMessage.objects.create(  # scheduled for tomorrow: within the 7-day cooldown
        organization=org,
        customer=shop["leaver"],
        kind="invitation",
        state=MessageState.QUEUED,
        send_after=NOW + timedelta(days=1),
    )
    _scored(alice)
    rows = selectors.indifference_radar(org, days=60, now=NOW)
    assert [r.customer.external_id for r in rows] == ["fan", "leaver", "steady"]
    fan, leaver, steady = rows
    assert fan.days == 100
    assert leaver.days is None
    assert leaver.refusal is not None
    assert leaver.refusal.code == "cooldown"
    assert steady.refusal is None
    assert fan.suggestion == "a thank-you"


def test_an_unsubscribed_customer_gets_no_suggestion_the_budget_would_send(alice, shop):
    shop["steady"].unsubscribed_at = NOW
    shop["steady"].save()
    _scored(alice)
    rows = {
        r.customer.external_id: r for r in selectors.indifference_radar(alice.organization, now=NOW)
    }
    assert rows["steady"].refusal.text == "unsubscribed"


def test_accounts_roll_up_by_value(alice, shop):
    org = _scored(alice)
    accounts = selectors.accounts_health(org)
    assert len(accounts) == 3  # the factory gives each customer its own company
    assert {a["people"] for a in accounts} == {1}


def test_a_promoter_who_slipped_shows_the_movement(alice, shop):
    answer(shop["steady"], "highly_satisfied", days_ago=100)
    answer(shop["steady"], "satisfied", days_ago=10, score=7)
    _scored(alice)
    health = shop["steady"].health
    health.refresh_from_db()
    assert ["movement", -8, "slipped from highly satisfied to satisfied"] in health.reasons
