"""Reads for the alerts pages and API. `access_*` scope to the member's organization and
answer 404 for another organization's rows (existence does not leak)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from earful.accounts.models import Member, Organization
from earful.alerts.models import Alert, AlertRule, Delivery, DeliveryKind, Destination

RECENT = 50


def access_rule(member: Member, rule_id: int) -> AlertRule:
    return get_object_or_404(
        AlertRule.objects.prefetch_related("destinations"),
        pk=rule_id,
        organization=member.organization,
    )


def access_destination(member: Member, destination_id: int) -> Destination:
    return get_object_or_404(Destination, pk=destination_id, organization=member.organization)


def access_alert(member: Member, alert_id: int) -> Alert:
    return get_object_or_404(
        _with_deliveries(Alert.objects.select_related("rule", "item", "theme", "response")),
        pk=alert_id,
        organization=member.organization,
    )


def access_delivery(member: Member, delivery_id: int) -> Delivery:
    return get_object_or_404(Delivery, pk=delivery_id, organization=member.organization)


def list_rules(organization: Organization) -> QuerySet[AlertRule]:
    return (
        AlertRule.objects.filter(organization=organization)
        .prefetch_related("destinations")
        .select_related("created_by__user")
        .order_by("name", "pk")
    )


def list_destinations(organization: Organization) -> QuerySet[Destination]:
    return Destination.objects.filter(organization=organization).order_by("name", "pk")


def _with_deliveries(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    deliveries = Delivery.objects.select_related("destination", "digest").order_by("pk")
    return alerts.prefetch_related(Prefetch("deliveries", queryset=deliveries))


def recent_alerts(
    organization: Organization, *, rule: AlertRule | None = None, limit: int = RECENT
) -> list[Alert]:
    """The latest alerts with their deliveries (status, attempts, last error): 3 queries."""
    alerts = Alert.objects.filter(organization=organization).select_related("rule")
    if rule is not None:
        alerts = alerts.filter(rule=rule)
    return list(_with_deliveries(alerts.order_by("-fired_at", "-pk"))[:limit])


def recent_digests(organization: Organization, *, limit: int = 20) -> list[Delivery]:
    """The latest digests with how many alerts each carries (`carried`): one query."""
    return list(
        Delivery.objects.filter(organization=organization, kind=DeliveryKind.DIGEST)
        .select_related("destination")
        .annotate(carried=Count("held"))
        .order_by("-next_attempt_at", "-pk")[:limit]
    )
