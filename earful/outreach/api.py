"""/api/v1/surveys/{id}/invitations, /outreach and /triggers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut, Id, Limit, Offset
from earful.outreach import selectors, services
from earful.outreach.models import SurveyOutreachSettings, SurveyTrigger
from earful.outreach.schemas import (
    InvitationPage,
    InviteIn,
    InviteReportOut,
    OutreachSettingsIn,
    OutreachSettingsOut,
    TriggerIn,
    TriggerOut,
)
from earful.surveys.selectors import access_survey

router = Router(tags=["outreach"])


@router.post("/{survey_id}/invitations", response={200: InviteReportOut, 422: ErrorOut})
def invite_customers(request: HttpRequest, survey_id: Id, payload: InviteIn) -> dict:
    """Invites customers (by external id) or a segment; says per customer queued or skipped."""
    member = api_member(request, Permission.EDIT_SURVEYS)
    survey = access_survey(member, survey_id)
    segment = selectors.Segment(**payload.segment.dict()) if payload.segment else None
    try:
        outcomes = services.invite_customers(
            survey=survey, external_ids=payload.customers, segment=segment
        )
    except services.OutreachInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    queued = sum(1 for o in outcomes if o.status == "queued")
    return {"queued": queued, "skipped": len(outcomes) - queued, "results": outcomes}


@router.get("/{survey_id}/invitations", response=InvitationPage)
def list_invitations(
    request: HttpRequest, survey_id: Id, limit: Limit = 100, offset: Offset = 0
) -> dict:
    member = api_member(request, Permission.VIEW_CUSTOMERS)
    survey = access_survey(member, survey_id)
    invitations = selectors.list_invitations(survey)
    offset, limit = max(0, offset), max(1, min(limit, 1000))
    return {
        "count": invitations.count(),
        "counts": selectors.invitation_counts(survey),
        "items": selectors.hide_who_answered(survey, invitations[offset : offset + limit]),
    }


@router.get("/{survey_id}/outreach", response=OutreachSettingsOut)
def get_outreach_settings(request: HttpRequest, survey_id: Id) -> SurveyOutreachSettings:
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    return selectors.settings_for(access_survey(member, survey_id))


@router.put("/{survey_id}/outreach", response={200: OutreachSettingsOut, 422: ErrorOut})
def update_outreach_settings(
    request: HttpRequest, survey_id: Id, payload: OutreachSettingsIn
) -> SurveyOutreachSettings:
    """Recontact period, the one reminder, the send window (customer's local time), wording."""
    member = api_member(request, Permission.EDIT_SURVEYS)
    survey = access_survey(member, survey_id)
    try:
        return services.update_outreach_settings(survey=survey, **payload.dict())
    except services.OutreachInvalid as exc:
        raise ApiInvalid(exc.errors) from exc


@router.get("/{survey_id}/triggers", response=list[TriggerOut])
def list_triggers(request: HttpRequest, survey_id: Id) -> list[SurveyTrigger]:
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    return list(selectors.list_triggers(access_survey(member, survey_id)))


@router.post("/{survey_id}/triggers", response={201: TriggerOut, 422: ErrorOut})
def add_trigger(
    request: HttpRequest, survey_id: Id, payload: TriggerIn
) -> tuple[int, SurveyTrigger]:
    """A journey: invite to this survey `delay_hours` after each customer event of that name."""
    member = api_member(request, Permission.EDIT_SURVEYS)
    survey = access_survey(member, survey_id)
    try:
        trigger = services.add_survey_trigger(
            survey=survey, event_name=payload.event, delay_hours=payload.delay_hours
        )
    except services.OutreachInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    return 201, trigger
