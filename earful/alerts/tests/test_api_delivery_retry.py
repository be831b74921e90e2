"""Turning a destination off and retrying a failed delivery, through the API."""

from __future__ import annotations

import json

from django.utils import timezone

from earful.alerts.models import Alert, Delivery, DeliveryStatus
from earful.alerts.tests.conftest import email_destination, make_rule


def failed_delivery(organization):
    destination = email_destination(organization)
    rule = make_rule(organization, "negative_review", [destination])
    alert = Alert.objects.create(
        organization=organization,
        rule=rule,
        kind=rule.kind,
        dedupe_key="x",
        fired_at=timezone.now(),
        summary="s",
        text="t",
    )
    return Delivery.objects.create(
        organization=organization,
        alert=alert,
        destination=destination,
        status=DeliveryStatus.FAILED,
        queued_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )


def test_a_failed_delivery_is_retried_through_the_api(alice):
    delivery = failed_delivery(alice.organization)
    response = alice.api.post(f"/api/v1/alert-rules/deliveries/{delivery.pk}/retry")
    assert response.json() == {"retried": True}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_a_destination_is_turned_off_through_the_api(alice):
    delivery = failed_delivery(alice.organization)
    url = f"/api/v1/alert-rules/destinations/{delivery.destination_id}"
    response = alice.api.patch(url, json.dumps({"enabled": False}), content_type="application/json")
    assert response.json()["enabled"] is False


def test_charlie_gets_404_for_alices_delivery_and_destination(alice, charlie):
    delivery = failed_delivery(alice.organization)
    assert (
        charlie.api.post(f"/api/v1/alert-rules/deliveries/{delivery.pk}/retry").status_code == 404
    )
    url = f"/api/v1/alert-rules/destinations/{delivery.destination_id}"
    body = json.dumps({"enabled": False})
    assert charlie.api.patch(url, body, content_type="application/json").status_code == 404
