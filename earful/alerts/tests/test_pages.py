"""The alerts pages: rules with clear form errors, destinations, recent alerts with their
delivery status; another organization gets 404; viewers read, editors change."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.alerts.models import AlertRule, Delivery, Destination, RuleKind
from earful.alerts.services import deliver_due, evaluate_items
from earful.alerts.tests.conftest import NOW, email_destination, make_item, make_rule


def _fire(org, count=1, destinations=None):
    rule = AlertRule.objects.filter(organization=org).first() or make_rule(
        org, RuleKind.NEGATIVE_REVIEW, destinations
    )
    items = [make_item(org, "Awful", channel="review", score=1) for _ in range(count)]
    evaluate_items(item_ids=[i.pk for i in items], now=NOW)
    return rule


def test_the_alerts_page_lists_rules_and_recent_alerts_with_delivery_status(alice):
    org = alice.organization
    destination = email_destination(org)
    rule = _fire(org, 2, [destination])
    Delivery.objects.filter(pk=Delivery.objects.order_by("pk").first().pk).update(
        status="failed", attempts=7, last_error="SMTPServerDisconnected: gone"
    )
    deliver_due(now=NOW)
    html = alice.client.get("/alerts/").content.decode()
    assert rule.name in html
    assert "CX team" in html
    assert "1★ review" in html
    assert "failed" in html
    assert "7 attempts" in html
    assert "SMTPServerDisconnected: gone" in html
    assert "sent" in html
    assert "1 attempt" in html


def test_the_alerts_page_costs_the_same_queries_for_3_or_30_alerts(alice):
    org = alice.organization
    _fire(org, 3, [email_destination(org)])
    with CaptureQueriesContext(connection) as few:
        assert alice.client.get("/alerts/").status_code == 200
    _fire(org, 27)
    with CaptureQueriesContext(connection) as many:
        assert alice.client.get("/alerts/").status_code == 200
    assert len(many) == len(few)


def test_creating_a_rule_starts_with_its_kind_and_saves_its_parameters(alice):
    org = alice.organization
    destination = email_destination(org)
    kinds = alice.client.get("/alerts/rules/new/").content.decode()
    assert "Viral risk" in kinds
    assert "?kind=viral_risk" in kinds
    form = alice.client.get("/alerts/rules/new/?kind=viral_risk").content.decode()
    assert 'name="engagements_per_hour"' in form
    assert 'value="50' in form
    answer = alice.client.post(
        "/alerts/rules/new/",
        {
            "kind": "viral_risk",
            "name": "Going viral",
            "engagements_per_hour": "80",
            "reach_per_hour": "",
            "window_hours": "3",
            "destinations": [destination.pk],
            "enabled": "on",
        },
    )
    assert answer.status_code == 302
    rule = AlertRule.objects.get(organization=org)
    assert rule.parameters == {
        "engagements_per_hour": 80.0,
        "reach_per_hour": None,
        "window_hours": 3,
    }
    assert list(rule.destinations.all()) == [destination]
    assert rule.created_by == alice.member


def test_a_bad_rule_form_says_which_field_and_why_and_saves_nothing(alice):
    answer = alice.client.post(
        "/alerts/rules/new/",
        {"kind": "negative_review", "name": "", "stars_at_most": "9"},
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "This field is required." in html
    assert "Ensure this value is less than or equal to 5." in html
    assert AlertRule.objects.count() == 0


def test_another_organizations_destination_cannot_be_picked(alice, charlie):
    theirs = email_destination(charlie.organization)
    answer = alice.client.post(
        "/alerts/rules/new/",
        {
            "kind": "negative_review",
            "name": "Reviews",
            "stars_at_most": "2",
            "destinations": [theirs.pk],
        },
    )
    assert answer.status_code == 422
    assert AlertRule.objects.count() == 0


def test_editing_disabling_and_deleting_a_rule(alice):
    rule = make_rule(alice.organization, RuleKind.NEGATIVE_REVIEW, stars_at_most=2)
    page = alice.client.get(f"/alerts/rules/{rule.pk}/").content.decode()
    assert 'value="2"' in page
    answer = alice.client.post(
        f"/alerts/rules/{rule.pk}/", {"name": "Bad reviews", "stars_at_most": "1", "enabled": "on"}
    )
    assert answer.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.parameters, rule.enabled) == ("Bad reviews", {"stars_at_most": 1}, True)
    alice.client.post(f"/alerts/rules/{rule.pk}/toggle/")
    rule.refresh_from_db()
    assert rule.enabled is False
    alice.client.post(f"/alerts/rules/{rule.pk}/delete/")
    assert not AlertRule.objects.filter(pk=rule.pk).exists()


def test_destinations_are_added_with_clear_errors_and_show_the_signing_secret(alice):
    bad = alice.client.post(
        "/alerts/destinations/", {"name": "Ops", "kind": "webhook", "url": "ftp://x"}
    )
    assert bad.status_code == 422
    assert "must be an http:// or https:// URL" in bad.content.decode()
    no_mail = alice.client.post(
        "/alerts/destinations/", {"name": "CX", "kind": "email", "emails": "cx@a.test, nope"}
    )
    assert "not an email address: nope" in no_mail.content.decode()
    assert Destination.objects.count() == 0
    ok = alice.client.post(
        "/alerts/destinations/",
        {"name": "Ops", "kind": "webhook", "url": "https://hooks.example.test/earful"},
    )
    assert ok.status_code == 302
    destination = Destination.objects.get()
    assert destination.secret in alice.client.get("/alerts/destinations/").content.decode()


def test_the_alert_page_shows_the_text_and_each_delivery(alice):
    org = alice.organization
    _fire(org, 1, [email_destination(org)])
    alert = org.alert_set.get()
    html = alice.client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "the rule fires at 2 stars or fewer" in html
    assert "CX team" in html
    assert "pending" in html


def test_a_failed_delivery_can_be_retried_by_an_editor(alice):
    org = alice.organization
    _fire(org, 1, [email_destination(org)])
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    alice.client.post(f"/alerts/deliveries/{delivery.pk}/retry/")
    delivery.refresh_from_db()
    assert delivery.status == "pending"


def test_a_viewer_reads_alerts_but_cannot_change_rules(alice, persona_with_role):
    viewer = persona_with_role("viewer")
    rule = _fire(alice.organization)
    assert viewer.client.get("/alerts/").status_code == 200
    assert "New rule" not in viewer.client.get("/alerts/").content.decode()
    assert viewer.client.get("/alerts/rules/new/").status_code == 403
    assert viewer.client.post(f"/alerts/rules/{rule.pk}/toggle/").status_code == 403
    assert viewer.client.get("/alerts/destinations/").status_code == 403


def test_charlie_gets_404_for_every_page_of_another_organization(alice, charlie):
    org = alice.organization
    destination = email_destination(org)
    rule = _fire(org, 1, [destination])
    alert = org.alert_set.get()
    delivery = Delivery.objects.get()
    for url in (f"/alerts/{alert.pk}/", f"/alerts/rules/{rule.pk}/"):
        assert charlie.client.get(url).status_code == 404, url
    for url in (
        f"/alerts/rules/{rule.pk}/toggle/",
        f"/alerts/rules/{rule.pk}/delete/",
        f"/alerts/destinations/{destination.pk}/toggle/",
        f"/alerts/destinations/{destination.pk}/delete/",
        f"/alerts/deliveries/{delivery.pk}/retry/",
    ):
        assert charlie.client.post(url).status_code == 404, url
    assert AlertRule.objects.get(pk=rule.pk).enabled
    assert Destination.objects.filter(pk=destination.pk).exists()
    assert rule.name not in charlie.client.get("/alerts/").content.decode()
    assert destination.name not in charlie.client.get("/alerts/destinations/").content.decode()


def test_signed_out_visitors_are_sent_to_the_login_page(client):
    answer = client.get("/alerts/")
    assert answer.status_code == 302
    assert "login" in answer["Location"]


def test_recent_alerts_are_newest_first(alice):
    org = alice.organization
    rule = make_rule(org, RuleKind.NEGATIVE_REVIEW)
    old = make_item(org, "Old bad", channel="review", score=1)
    new = make_item(org, "New bad", channel="review", score=2)
    evaluate_items(item_ids=[old.pk], now=NOW - timedelta(hours=2))
    evaluate_items(item_ids=[new.pk], now=NOW)
    html = alice.client.get("/alerts/").content.decode()
    assert html.index("New bad") < html.index("Old bad")
    assert rule.name in html


def test_held_alerts_and_their_digest_show_on_the_alerts_page(alice, settings):
    settings.EARFUL_ALERT_DIGEST_THRESHOLD = 1
    org = alice.organization
    _fire(org, 3, [email_destination(org)])
    html = alice.client.get("/alerts/").content.decode()
    assert html.count("held for the digest") == 2
    assert "Digests" in html
    assert "collecting" in html
    deliver_due(now=NOW + timedelta(days=1))
    html = alice.client.get("/alerts/").content.decode()
    assert html.count("sent in the digest") == 2


def test_the_rule_list_says_each_rules_settings_in_words(alice):
    from earful.alerts.tests.conftest import make_rule

    make_rule(alice.organization, "detractor")
    html = alice.client.get("/alerts/").content.decode()
    assert "Fire at an NPS answer of at most 6; also low CSAT, CES and rating answers." in html
    assert "nps_at_most" not in html
