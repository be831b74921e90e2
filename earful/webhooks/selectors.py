"""Reads: endpoints and their delivery log, walled by organization."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from earful.accounts.models import Member, Organization
from earful.webhooks.models import Delivery, DeliveryStatus, Endpoint


def list_endpoints(organization: Organization) -> QuerySet[Endpoint]:
    return (
        Endpoint.objects.filter(organization=organization)
        .annotate(
            delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            waiting=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        )
        .order_by("id")
    )


def access_endpoint(member: Member, endpoint_id: int) -> Endpoint:
    return get_object_or_404(Endpoint, pk=endpoint_id, organization_id=member.organization_id)


def access_delivery(member: Member, delivery_id: int) -> Delivery:
    return get_object_or_404(
        Delivery.objects.select_related("event", "endpoint"),
        pk=delivery_id,
        endpoint__organization_id=member.organization_id,
    )


def delivery_log(endpoint: Endpoint, *, after: int = 0) -> QuerySet[Delivery]:
    """Newest first; `after` continues below that id."""
    deliveries = Delivery.objects.filter(endpoint=endpoint).select_related("event")
    if after:
        deliveries = deliveries.filter(id__lt=after)
    return deliveries.order_by("-id")
