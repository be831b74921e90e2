"""The public answer endpoints, /api/v1/public/surveys/{public_id}/responses[/{id}]: the hot path.

The ninja operations in `api.py` document them (OpenAPI) and call `submit` and `update` here.
The same paths are served first by the plain Django views below (`urlpatterns`, included by
`earful/urls.py` ahead of the ninja API): ninja's per-request machinery (signature binding,
parameter models, response validation) and the walk through every API route cost more than
storing the answer. The views parse with the same schemas and reply with the same bodies,
statuses and error shapes as the ninja operations (a test holds them equal)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from pydantic import BaseModel, ValidationError

from earful.core.api_errors import ApiInvalid, error_body, pydantic_errors
from earful.core.memo import last_by_identity
from earful.core.text import TextInvalid, load_json
from earful.surveys import selectors, services
from earful.surveys.published import published_entry
from earful.surveys.schemas import ResponseIn, ResponsePatch

KEY_META = "HTTP_IDEMPOTENCY_KEY"  # the header as WSGI names it: `request.headers` costs more


def _response_body(submission: services.Submission) -> dict[str, Any]:
    stored = submission.response
    return {
        "id": str(stored.uid),
        "survey": stored.survey.public_id,
        "created": submission.created,
        "submitted_at": _time(stored.submitted_at),
        "finished": stored.is_finished,
        "finished_at": _time(stored.finished_at),
        "edits": stored.edits,
        "score": stored.score,
        "tier": stored.tier,
        "probe": (
            {"trigger": stored.probe_trigger, "question": stored.probe_question}
            if stored.probe_due
            else None
        ),
    }


_encoder = DjangoJSONEncoder()


def _time(moment: datetime | None) -> str | None:
    """A time as ninja's renderer writes it (DjangoJSONEncoder), ahead of the encoding: the
    body then holds plain JSON types only, which `json.dumps` encodes in C."""
    return None if moment is None else _time_text(moment)


@last_by_identity  # a response is submitted and finished at one moment
def _time_text(moment: datetime) -> str:
    return _encoder.default(moment)


def submit(public_id: str, payload: ResponseIn, key: str) -> tuple[int, dict[str, Any]]:
    """201 and the new response, or 200 and the stored one for a key seen before."""
    survey = published_entry(public_id).survey
    respondent = selectors.respondent_by_ref(survey, payload.ref)
    try:
        submission = services.submit_response(
            survey=survey,
            answers=payload.answers,
            key=key,
            customer_ref=payload.customer or "",
            customer=respondent.customer,
            invitation_id=respondent.invitation_id,
            channel="api",
            finished=payload.finished,
            timings=payload.timings,
            prize_draw=payload.prize_draw,
        )
    except services.SurveyInvalid as exc:
        if exc.errors == [("survey", services.NOT_ACCEPTING)]:  # closed since it was cached
            raise Http404 from exc
        raise ApiInvalid(exc.errors) from exc
    return (201 if submission.created else 200), _response_body(submission)


def update(
    public_id: str, response_id: str, payload: ResponsePatch, key: str
) -> tuple[int, dict[str, Any]]:
    try:
        submission = services.update_public_response(
            public_id=public_id,
            response_id=response_id,
            key=key,
            answers=payload.answers,
            timings=payload.timings,
            finished=payload.finished,
        )
    except services.SurveyInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    return 200, _response_body(submission)


# The plain views ------------------------------------------------------------------------------


def _reply(status: int, data: Any) -> HttpResponse:
    try:  # the bodies here hold plain JSON types: `json.dumps` as called with no options
        content = json.dumps(data)  # is its C encoder, made once; the same text as ninja's
    except TypeError:
        content = json.dumps(data, cls=DjangoJSONEncoder)  # as ninja's renderer
    body = content.encode()
    reply = HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    # Set here: CommonMiddleware, which sets it on other replies, is skipped on this path, and
    # without it the server sends the reply in chunks.
    reply["Content-Length"] = str(len(body))
    return reply


def _payload(request: HttpRequest, schema: type[BaseModel]) -> Any:
    """The body as ninja reads it: JSON, then the schema (an empty body is a missing one)."""
    return schema.model_validate(load_json(request.body) if request.body else None)


def _serve(
    request: HttpRequest, schema: type[BaseModel], act: Callable[[Any, str], tuple[int, dict]]
) -> HttpResponse:
    try:
        payload = _payload(request, schema)
        status, body = act(payload, request.META.get(KEY_META, ""))
    except ValueError as exc:  # json.JSONDecodeError; pydantic's ValidationError is handled below
        if isinstance(exc, ValidationError):
            return _reply(422, error_body(pydantic_errors(_at_payload(exc))))
        if isinstance(exc, TextInvalid):  # a NUL or a lone surrogate (core.text)
            return _reply(422, error_body([(exc.field, exc.reason)]))
        return _reply(400, error_body([("body", "Cannot parse request body")]))
    except ApiInvalid as exc:
        return _reply(exc.status, {"detail": exc.errors})
    except Http404:
        return _reply(404, error_body([("id", "not found")]))
    return _reply(status, body)  # the ResponseOut shape: a test compares with ninja


def _at_payload(exc: ValidationError) -> list[dict[str, Any]]:
    """Errors located as ninja locates them: under `body.payload`."""
    return [{**error, "loc": ("body", "payload", *error["loc"])} for error in exc.errors()]


@csrf_exempt  # a public JSON endpoint: no cookie, no session to ride
@require_http_methods(["POST"])
def submit_response(request: HttpRequest, public_id: str) -> HttpResponse:
    return _serve(request, ResponseIn, lambda payload, key: submit(public_id, payload, key))


@csrf_exempt
@require_http_methods(["PATCH"])
def update_response(request: HttpRequest, public_id: str, response_id: str) -> HttpResponse:
    return _serve(
        request, ResponsePatch, lambda payload, key: update(public_id, response_id, payload, key)
    )


urlpatterns = [
    path("public/surveys/<str:public_id>/responses", submit_response),
    path("public/surveys/<str:public_id>/responses/<str:response_id>", update_response),
]
