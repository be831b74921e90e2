"""Reads for the widget; the origin check sits on the public hot path, so it is cached briefly."""

from __future__ import annotations

import time

from django.shortcuts import get_object_or_404

from earful.accounts.models import Organization
from earful.surveys.models import Survey, SurveyStatus
from earful.widget.models import WidgetSettings

_CACHE_SECONDS = 30.0
_origins_by_survey: dict[str, tuple[float, frozenset[str]]] = {}


def widget_settings(organization: Organization) -> WidgetSettings:
    settings, _ = WidgetSettings.objects.get_or_create(organization=organization)
    return settings


def allowed_origins_for_survey(public_id: str, *, now: float | None = None) -> frozenset[str]:
    """Origins allowed to call a survey's public endpoints (cached per process for 30 s)."""
    now = time.monotonic() if now is None else now
    cached = _origins_by_survey.get(public_id)
    if cached and now - cached[0] < _CACHE_SECONDS:
        return cached[1]
    row = (
        Survey.objects.filter(public_id=public_id)
        .values_list("organization__widget_settings__allowed_origins", flat=True)
        .first()
    )
    origins = frozenset(row or ())
    if len(_origins_by_survey) > 10_000:
        _origins_by_survey.clear()
    _origins_by_survey[public_id] = (now, origins)
    return origins


def feedback_survey_for(org_slug: str) -> Survey:
    """The organization's always-on feedback survey, if it is set and published; else 404."""
    settings = get_object_or_404(
        WidgetSettings.objects.select_related("feedback_survey"),
        organization__slug=org_slug,
        feedback_survey__status=SurveyStatus.PUBLISHED,
    )
    assert settings.feedback_survey is not None
    return settings.feedback_survey
