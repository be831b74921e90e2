"""/api/v1/alert-rules: rules (list, create, get, PATCH, delete), the alerts a rule fired with
their delivery status, and destinations. Another organization's ids answer 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.alerts import selectors, services
from earful.alerts.models import Alert, AlertRule, Destination
from earful.alerts.schemas import (
    AlertOut,
    DestinationCreatedOut,
    DestinationIn,
    DestinationOut,
    RuleIn,
    RuleOut,
    RulePatch,
)
from earful.core.api_errors import ApiInvalid, ErrorOut, Id, Limit

router = Router(tags=["alerts"])
EDIT = Permission.EDIT_SURVEYS
READ = Permission.VIEW_DASHBOARDS


@router.get("", response=list[RuleOut])
def list_rules(request: HttpRequest) -> list[AlertRule]:
    member = api_member(request, READ)
    return list(selectors.list_rules(member.organization))


@router.post("", response={201: RuleOut, 422: ErrorOut})
def create_rule(request: HttpRequest, payload: RuleIn) -> tuple[int, AlertRule]:
    """Parameters are checked per kind; a bad one is named (`parameters.stars_at_most`)."""
    member = api_member(request, EDIT)
    try:
        rule = services.create_rule(
            organization=member.organization,
            name=payload.name,
            kind=payload.kind,
            parameters=payload.parameters,
            destination_ids=payload.destinations,
            enabled=payload.enabled,
            open_case=payload.open_case,
            created_by=member,
        )
    except services.AlertsInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    return 201, selectors.access_rule(member, rule.pk)


@router.get("/destinations", response=list[DestinationOut])
def list_destinations(request: HttpRequest) -> list[Destination]:
    member = api_member(request, EDIT)
    return list(selectors.list_destinations(member.organization))


@router.post("/destinations", response={201: DestinationCreatedOut, 422: ErrorOut})
def create_destination(request: HttpRequest, payload: DestinationIn) -> tuple[int, Destination]:
    member = api_member(request, EDIT)
    try:
        return 201, services.create_destination(organization=member.organization, **payload.dict())
    except services.AlertsInvalid as exc:
        raise ApiInvalid(exc.errors) from exc


@router.delete("/destinations/{destination_id}", response={204: None})
def delete_destination(request: HttpRequest, destination_id: Id) -> tuple[int, None]:
    member = api_member(request, EDIT)
    services.delete_destination(destination=selectors.access_destination(member, destination_id))
    return 204, None


class DestinationPatch(Schema):
    enabled: bool


class RetryOut(Schema):
    retried: bool = Field(description="False: the delivery was not failed or waiting")


@router.patch("/destinations/{destination_id}", response={200: DestinationOut, 404: ErrorOut})
def toggle_destination(
    request: HttpRequest, destination_id: int, payload: DestinationPatch
) -> Destination:
    """Turns a destination on or off (its rules keep it)."""
    member = api_member(request, EDIT)
    destination = selectors.access_destination(member, destination_id)
    return services.set_destination_enabled(destination=destination, enabled=payload.enabled)


@router.post("/deliveries/{delivery_id}/retry", response={200: RetryOut, 404: ErrorOut})
def retry_delivery(request: HttpRequest, delivery_id: int) -> dict:
    """Tries a failed or waiting alert delivery again at the next round."""
    member = api_member(request, EDIT)
    delivery = selectors.access_delivery(member, delivery_id)
    return {"retried": services.retry_delivery(delivery=delivery, now=timezone.now())}


@router.get("/{rule_id}", response=RuleOut)
def get_rule(request: HttpRequest, rule_id: Id) -> AlertRule:
    return selectors.access_rule(api_member(request, READ), rule_id)


@router.patch("/{rule_id}", response={200: RuleOut, 422: ErrorOut})
def update_rule(request: HttpRequest, rule_id: Id, payload: RulePatch) -> AlertRule:
    """Changes what is sent; the kind stays."""
    member = api_member(request, EDIT)
    rule = selectors.access_rule(member, rule_id)
    given: dict[str, Any] = payload.dict(exclude_unset=True)
    if "destinations" in given:
        given["destination_ids"] = given.pop("destinations") or []
    if given.get("parameters", ...) is None:
        given["parameters"] = {}
    for field in ("name", "enabled", "open_case"):
        if field in given and given[field] is None:
            raise ApiInvalid([(field, "must not be null")])
    try:
        services.update_rule(rule=rule, **given)
    except services.AlertsInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    return selectors.access_rule(member, rule_id)


@router.delete("/{rule_id}", response={204: None})
def delete_rule(request: HttpRequest, rule_id: Id) -> tuple[int, None]:
    """Deletes the rule with its alerts; disable it instead to keep them."""
    member = api_member(request, EDIT)
    services.delete_rule(rule=selectors.access_rule(member, rule_id))
    return 204, None


@router.get("/{rule_id}/alerts", response=list[AlertOut])
def list_rule_alerts(request: HttpRequest, rule_id: Id, limit: Limit = 50) -> list[Alert]:
    """The rule's latest alerts, newest first, each with its deliveries (status, attempts,
    last error, idempotency key)."""
    member = api_member(request, READ)
    rule = selectors.access_rule(member, rule_id)
    return selectors.recent_alerts(member.organization, rule=rule, limit=max(1, min(limit, 500)))
