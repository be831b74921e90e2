"""Outbound webhooks in the API: endpoints, their delivery log, redelivery, a test ping."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut
from earful.webhooks import selectors, services
from earful.webhooks.models import Delivery, Endpoint
from earful.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    DeliveryParams,
    EndpointCreatedOut,
    EndpointIn,
    EndpointOut,
    EndpointPatch,
)

router = Router(tags=["webhooks"])
MANAGE = Permission.MANAGE_MEMBERS  # admins wire Earful into other tools


@router.get("", response=list[EndpointOut])
def list_endpoints(request: HttpRequest) -> list[Endpoint]:
    member = api_member(request, MANAGE)
    return list(selectors.list_endpoints(member.organization))


@router.post("", response={201: EndpointCreatedOut, 422: ErrorOut})
def create_endpoint(request: HttpRequest, payload: EndpointIn) -> tuple[int, Endpoint]:
    """Subscribes a URL to event types (empty: all). The signing secret is in this answer."""
    member = api_member(request, MANAGE)
    try:
        endpoint = services.create_endpoint(organization=member.organization, data=payload.dict())
    except services.EndpointInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    return 201, endpoint


@router.get("/{endpoint_id}", response={200: EndpointOut, 404: ErrorOut})
def get_endpoint(request: HttpRequest, endpoint_id: int) -> Endpoint:
    return selectors.access_endpoint(api_member(request, MANAGE), endpoint_id)


@router.patch("/{endpoint_id}", response={200: EndpointOut, 404: ErrorOut, 422: ErrorOut})
def update_endpoint(request: HttpRequest, endpoint_id: int, payload: EndpointPatch) -> Endpoint:
    """Change the URL, types or description; `enabled: true` turns a disabled endpoint on."""
    endpoint = selectors.access_endpoint(api_member(request, MANAGE), endpoint_id)
    try:
        return services.update_endpoint(endpoint=endpoint, data=payload.dict())
    except services.EndpointInvalid as exc:
        raise ApiInvalid(exc.errors) from exc


@router.delete("/{endpoint_id}", response={204: None, 404: ErrorOut})
def delete_endpoint(request: HttpRequest, endpoint_id: int) -> tuple[int, None]:
    selectors.access_endpoint(api_member(request, MANAGE), endpoint_id).delete()
    return 204, None


@router.get("/{endpoint_id}/deliveries", response={200: DeliveryPage, 404: ErrorOut})
def list_deliveries(request: HttpRequest, endpoint_id: int, params: Query[DeliveryParams]) -> dict:
    """The delivery log, newest first: status, attempts, the receiver's status code."""
    endpoint = selectors.access_endpoint(api_member(request, MANAGE), endpoint_id)
    page = list(selectors.delivery_log(endpoint, after=params.after)[: params.limit + 1])
    more = len(page) > params.limit
    return {"items": page[: params.limit], "next": page[params.limit - 1].id if more else None}


@router.post("/{endpoint_id}/test", response={202: DeliveryOut, 404: ErrorOut})
def send_test(request: HttpRequest, endpoint_id: int) -> tuple[int, Delivery]:
    """Queues a `webhook.ping` event to this endpoint, sent by the worker within a minute."""
    endpoint = selectors.access_endpoint(api_member(request, MANAGE), endpoint_id)
    return 202, services.send_test_event(endpoint=endpoint)


@router.post("/deliveries/{delivery_id}/redeliver", response={202: DeliveryOut, 404: ErrorOut})
def redeliver(request: HttpRequest, delivery_id: int) -> tuple[int, Delivery]:
    """Sends a delivery again (same webhook-id: receivers drop it if they had it)."""
    delivery = selectors.access_delivery(api_member(request, MANAGE), delivery_id)
    return 202, services.redeliver(delivery=delivery)
