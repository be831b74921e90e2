"""Reads for surveys, scoped to the member's organization."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from earful.accounts.models import Member, Organization
from earful.surveys.models import Survey, SurveyStatus


def list_surveys(organization: Organization) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(organization=organization)
        .annotate(response_count=Count("responses"))
        .order_by("-created_at", "-id")
    )


def access_survey(member: Member, survey_id: int) -> Survey:
    """The survey if it belongs to the member's organization, else 404 (existence never leaks)."""
    return get_object_or_404(
        Survey.objects.prefetch_related("questions"),
        pk=survey_id,
        organization_id=member.organization_id,
    )


def public_survey(public_id: str) -> Survey:
    """A published survey by its unguessable link id; drafts and closed surveys are 404."""
    return get_object_or_404(
        Survey.objects.prefetch_related("questions"),
        public_id=public_id,
        status=SurveyStatus.PUBLISHED,
    )
