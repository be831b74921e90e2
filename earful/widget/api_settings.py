"""/api/v1/widget/settings: what the Widget page sets (allowed sites, the feedback survey)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut
from earful.surveys.models import Survey
from earful.widget import selectors, services
from earful.widget.models import WidgetSettings

router = Router(tags=["widget"])


class WidgetSettingsIn(Schema):
    allowed_origins: list[str] = Field(default_factory=list, max_length=100)
    feedback_survey: int | None = Field(None, ge=1, le=2**62)


class WidgetSettingsOut(Schema):
    allowed_origins: list[str]
    feedback_survey: int | None = Field(alias="feedback_survey_id")


@router.get("/settings", response=WidgetSettingsOut)
def get_settings(request: HttpRequest) -> WidgetSettings:
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    return selectors.widget_settings(member.organization)


@router.put("/settings", response={200: WidgetSettingsOut, 422: ErrorOut})
def put_settings(request: HttpRequest, payload: WidgetSettingsIn) -> WidgetSettings:
    """The sites allowed to embed the widget (https://shop.example) and the survey behind the
    always-on feedback link (a survey of this organization, or null)."""
    member = api_member(request, Permission.EDIT_SURVEYS)
    survey = None
    if payload.feedback_survey is not None:
        survey = Survey.objects.filter(
            pk=payload.feedback_survey, organization=member.organization
        ).first()
        if survey is None:
            raise ApiInvalid([("feedback_survey", "not a survey of this organization")])
    try:
        return services.update_widget_settings(
            organization=member.organization,
            origins_text="\n".join(payload.allowed_origins),
            feedback_survey=survey,
        )
    except services.WidgetSettingsInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
