"""The respondent's pages: the survey form behind its public link, the follow-up question,
and the thank-you page."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from earful.surveys import selectors, services
from earful.surveys.forms import answers_from_form
from earful.surveys.models import Survey
from earful.surveys.validation import MAX_TEXT, PROBE_KEY

NPS_HINTS = ("Not at all likely", "Extremely likely")


def _render_form(
    request: HttpRequest, survey: Survey, *, key: str, errors: dict[str, str], status: int = 200
) -> HttpResponse:
    context = {
        "survey": survey,
        "questions": list(survey.questions.all()),
        "key": key,
        "errors": errors,
        "values": request.POST,
        "nps_hints": NPS_HINTS,
    }
    return render(request, "surveys/public_form.html", context, status=status)


@csrf_exempt  # anonymous, no session to ride; a stale cookie must never lose an answer
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, public_id: str) -> HttpResponse:
    survey = selectors.public_survey(public_id)
    if request.method == "GET":
        return _render_form(request, survey, key=uuid.uuid4().hex, errors={})
    key = request.POST.get("idempotency_key", "")
    answers = answers_from_form(list(survey.questions.all()), request.POST)
    try:
        stored = services.submit_response(
            survey=survey,
            answers=answers,
            key=key,
            customer_ref=request.GET.get("c", ""),
            prize_draw=request.POST.get("prize_draw") == "on",
        ).response
    except services.SurveyInvalid as exc:
        errors = {field.removeprefix("answers."): message for field, message in exc.errors}
        return _render_form(request, survey, key=key, errors=errors, status=422)
    if stored.probe_due:
        return redirect("public:follow_up", public_id=public_id, response_id=stored.uid)
    return redirect("public:thanks", public_id=public_id)


@csrf_exempt  # as `respond`
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, public_id: str, response_id: str) -> HttpResponse:
    """The one follow-up question after a low, middling or hesitant answer; skipping is fine."""
    response = selectors.public_response(public_id, str(response_id))
    if request.method == "POST" and response.probe_due:
        words = request.POST.get("probe", "")[:MAX_TEXT]
        services.update_response(
            response=response,
            key=request.POST.get("idempotency_key", "") or uuid.uuid4().hex,
            answers={PROBE_KEY: words},
        )
    if request.method == "POST" or not response.probe_due:
        return redirect("public:thanks", public_id=public_id)
    context = {"survey": response.survey, "response": response, "key": uuid.uuid4().hex}
    return render(request, "surveys/follow_up.html", context)


def thanks(request: HttpRequest, public_id: str) -> HttpResponse:
    survey = selectors.public_survey(public_id)
    return render(request, "surveys/thanks.html", {"survey": survey})
