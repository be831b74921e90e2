"""/api/v1/surveys (token) and /api/v1/public/surveys (no token)."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest
from ninja import Header, Router

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut, Id, Limit, Offset
from earful.surveys import public_api, selectors, services
from earful.surveys.models import Survey
from earful.surveys.schemas import (
    ResponseIn,
    ResponseOut,
    ResponsePatch,
    SurveyIn,
    SurveyOut,
    SurveyPage,
    SurveyPatch,
    SurveyWording,
)

router = Router(tags=["surveys"])
public_router = Router(tags=["public"])


def _invalid(exc: services.SurveyInvalid) -> ApiInvalid:
    return ApiInvalid(exc.errors)


def _wording(translations: Mapping[str, SurveyWording]) -> dict[str, dict[str, str]]:
    return {code: wording.dict() for code, wording in translations.items()}


@router.get("", response=SurveyPage)
def list_surveys(request: HttpRequest, limit: Limit = 100, offset: Offset = 0) -> dict:
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    surveys = selectors.list_surveys(member.organization).prefetch_related("questions")
    offset, limit = max(0, offset), max(1, min(limit, 500))
    return {"count": surveys.count(), "items": list(surveys[offset : offset + limit])}


@router.post("", response={201: SurveyOut, 422: ErrorOut})
def create_survey(request: HttpRequest, payload: SurveyIn) -> tuple[int, Survey]:
    member = api_member(request, Permission.EDIT_SURVEYS)
    try:
        survey = services.create_survey(
            organization=member.organization,
            title=payload.title,
            intro=payload.intro,
            thank_you=payload.thank_you,
            probe_text=payload.probe_text,
            trust_mode=payload.trust_mode,
            prize_draw=payload.prize_draw,
            default_language=payload.default_language,
            languages=payload.languages,
            translations=_wording(payload.translations),
            questions=[q.spec() for q in payload.questions],
            created_by=member,
        )
    except services.SurveyInvalid as exc:
        raise _invalid(exc) from exc
    return 201, selectors.access_survey(member, survey.pk)


@router.get("/{survey_id}", response=SurveyOut)
def get_survey(request: HttpRequest, survey_id: Id) -> Survey:
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    return selectors.access_survey(member, survey_id)


@router.patch("/{survey_id}", response={200: SurveyOut, 422: ErrorOut})
def update_survey(request: HttpRequest, survey_id: Id, payload: SurveyPatch) -> Survey:
    member = api_member(request, Permission.EDIT_SURVEYS)
    survey = selectors.access_survey(member, survey_id)
    questions = None if payload.questions is None else [q.spec() for q in payload.questions]
    wording = None if payload.translations is None else _wording(payload.translations)
    try:
        services.update_survey(
            survey=survey,
            title=payload.title,
            intro=payload.intro,
            thank_you=payload.thank_you,
            questions=questions,
            probe_text=payload.probe_text,
            trust_mode=payload.trust_mode,
            prize_draw=payload.prize_draw,
            default_language=payload.default_language,
            languages=payload.languages,
            translations=wording,
        )
    except services.SurveyInvalid as exc:
        raise _invalid(exc) from exc
    return selectors.access_survey(member, survey_id)


@router.post("/{survey_id}/publish", response={200: SurveyOut, 422: ErrorOut})
def publish_survey(request: HttpRequest, survey_id: Id) -> Survey:
    """Opens the public link. 422 with the reason when the survey is empty or too long."""
    member = api_member(request, Permission.EDIT_SURVEYS)
    survey = selectors.access_survey(member, survey_id)
    try:
        return services.publish_survey(survey=survey)
    except services.SurveyInvalid as exc:
        raise _invalid(exc) from exc


@public_router.post(
    "/surveys/{public_id}/responses", response={200: ResponseOut, 201: ResponseOut, 422: ErrorOut}
)
def submit_response(
    request: HttpRequest,
    public_id: str,
    payload: ResponseIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> tuple[int, dict]:
    """Answer a published survey: all answers at once, or the first ones with
    `"finished": false`. Send an `Idempotency-Key`: a retry returns the stored response (200)
    instead of storing a second one (201)."""
    # Served by the plain view `public_api.submit_response`, routed first (the hot path).
    return public_api.submit(public_id, payload, idempotency_key)


@public_router.patch(
    "/surveys/{public_id}/responses/{response_id}", response={200: ResponseOut, 422: ErrorOut}
)
def update_response(
    request: HttpRequest,
    public_id: str,
    response_id: str,
    payload: ResponsePatch,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> dict:
    """Merge more answers into a response, add the time spent, finish it. Each update needs its
    own `Idempotency-Key`: a retried update is applied once (`"created": false` on the retry)."""
    # Served by the plain view `public_api.update_response`, routed first.
    return public_api.update(public_id, response_id, payload, idempotency_key)[1]
