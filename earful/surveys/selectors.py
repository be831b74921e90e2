"""Reads for surveys, scoped to the member's organization."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from earful.accounts.models import Member, Organization
from earful.core.rows import select_rows
from earful.core.signing import unsign_respondent_ref
from earful.customers.models import Customer
from earful.customers.selectors import customer_by_id
from earful.surveys.models import Response, Survey, SurveyStatus, TrustMode
from earful.surveys.published import published_entry
from earful.surveys.trust import MIN_GROUP


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


def public_response(public_id: str, response_id: str, *, lock: bool = False) -> Response:
    """A response to a published survey by its public UUID; anything else is 404.

    The survey comes from the answer path's cache (`published`), not from a join, and the
    select is SQL built once (`core.rows.select_rows`): the ORM compiled every selected column
    on every call, and this runs on each update. The status is still checked in the query, so
    a survey closed since it was cached answers 404 as before. `lock`: locked for the
    transaction the caller runs it in."""
    try:
        uid = uuid.UUID(response_id)
    except ValueError as exc:
        raise Http404 from exc
    survey = published_entry(public_id).survey
    params = [_uid_value(uid), survey.pk, survey.pk, SurveyStatus.PUBLISHED.value]
    found = select_rows(Response, _PUBLIC_RESPONSE, params, lock=lock)
    if not found:
        raise Http404
    found[0].survey = survey
    return found[0]


# The condition of `public_response`, as SQL built once (`core.rows.select_rows`).
_PUBLIC_RESPONSE = (
    '"uid" = %s AND "survey_id" = %s AND EXISTS '
    f'(SELECT 1 FROM "{Survey._meta.db_table}" WHERE "id" = %s AND "status" = %s)'
)


def _uid_value(uid: uuid.UUID) -> Any:
    connection = connections[router.db_for_read(Response)]
    return Response._meta.get_field("uid").get_db_prep_value(uid, connection)


@dataclass(frozen=True)
class Respondent:
    customer: Customer | None = None
    invitation_id: int | None = None


def respondent_by_ref(survey: Survey, ref: str) -> Respondent:
    """Who answers, from an invitation link's signed `ref`; nobody when it is missing, forged,
    signed for another survey or names a customer of another organization."""
    found = unsign_respondent_ref(ref)
    if found is None or found.survey_id != survey.pk:
        return Respondent()
    customer = customer_by_id(survey.organization_id, found.customer_id)
    return Respondent(customer, found.invitation_id if customer else None)


# ---------------------------------------------------------------- trustee hold-back


def held_back_responses(organization_id: int) -> QuerySet[Response]:
    """Responses of the organization's trustee surveys that have fewer than MIN_GROUP
    responses: their words and scores are shown nowhere until the group is reached
    (docs/user/trust.md). At most MIN_GROUP - 1 per such survey."""
    small = (
        Survey.objects.filter(organization_id=organization_id, trust_mode=TrustMode.TRUSTEE)
        .annotate(answered=Count("responses"))
        .filter(answered__lt=MIN_GROUP)
    )
    return Response.objects.filter(survey_id__in=small.values("pk"))


def is_held_back(organization_id: int, uid_field: str = "response_uid") -> Exists:
    """On a FeedbackItem queryset that has the response's uid as `uid_field` (insights'
    `uid_of_item`): the item is a held-back trustee response's. No query of its own."""
    return Exists(held_back_responses(organization_id).filter(uid=OuterRef(uid_field)))
