"""/api/v1/contact-policy: the organization's contact budget across every survey and channel."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut
from earful.outreach import selectors, services
from earful.outreach.models import OutreachPolicy

router = Router(tags=["outreach"])


class ContactPolicyOut(Schema):
    cooldown_days: int = Field(description="No message within this many days of the last one")
    cap_messages: int = Field(description="At most this many messages ...")
    cap_window_days: int = Field(description="... in this many days")


class ContactPolicyIn(Schema):
    cooldown_days: int = Field(7, ge=0, le=365)
    cap_messages: int = Field(4, ge=1, le=100)
    cap_window_days: int = Field(30, ge=1, le=365)


@router.get("", response=ContactPolicyOut)
def get_policy(request: HttpRequest) -> OutreachPolicy:
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    return selectors.policy_for(member.organization)


@router.put("", response={200: ContactPolicyOut, 422: ErrorOut})
def put_policy(request: HttpRequest, payload: ContactPolicyIn) -> OutreachPolicy:
    member = api_member(request, Permission.EDIT_SURVEYS)
    try:
        return services.update_contact_policy(organization=member.organization, **payload.dict())
    except services.OutreachInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
