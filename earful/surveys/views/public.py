"""The respondent's pages: the survey form behind its public link, the follow-up question,
and the thank-you page. Each renders in the respondent's language (see `languages.py`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from earful.core.ids import time_ordered_uuid
from earful.core.text import invalid_reason, normalize
from earful.customers.selectors import customer_by_external_id
from earful.surveys import selectors, services
from earful.surveys.forms import HONEYPOT, answers_from_form, form_errors
from earful.surveys.languages import choose_language
from earful.surveys.localized import LocalizedSurvey
from earful.surveys.models import Survey
from earful.surveys.validation import MAX_TEXT, PROBE_KEY


def _customer_locale(request: HttpRequest, survey: Survey) -> str:
    """The locale of the customer the link names (`?ref=` signed, or `?c=` external id)."""
    customer = selectors.respondent_by_ref(survey, _ref(request)).customer
    if customer is None and request.GET.get("c"):
        customer = customer_by_external_id(survey.organization_id, request.GET["c"])
    return customer.locale if customer is not None else ""


def respondent_language(request: HttpRequest, survey: Survey, *, known: bool = True) -> str:
    """`?lang=`, else the named customer's locale (when `known`), else Accept-Language, else
    the survey's default language."""
    available = survey.spoken_languages
    if len(available) == 1:
        return available[0]
    return choose_language(
        available,
        survey.default_language,
        asked=request.GET.get("lang", ""),
        customer_locale=_customer_locale(request, survey) if known else "",
        accept_language=request.headers.get("Accept-Language", ""),
    )


def _render(
    request: HttpRequest,
    template: str,
    page: LocalizedSurvey,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Renders with the interface strings in the page's language; says which language it is."""
    with translation.override(page.language):
        response = render(request, template, {"survey": page, **context}, status=status)
    response["Content-Language"] = page.language
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _url(name: str, page: LocalizedSurvey, **kwargs: Any) -> str:
    """The address of a next page, keeping the respondent's language."""
    url = reverse(f"public:{name}", kwargs={"public_id": page.public_id, **kwargs})
    return f"{url}?lang={page.language}" if len(page.spoken_languages) > 1 else url


def _next_page(name: str, page: LocalizedSurvey, **kwargs: Any) -> HttpResponse:
    return redirect(_url(name, page, **kwargs))


def _ref(request: HttpRequest) -> str:
    """The invitation link's signed respondent reference, carried by the form."""
    return request.POST.get("ref") or request.GET.get("ref", "")


def _form(
    request: HttpRequest,
    page: LocalizedSurvey,
    *,
    key: str,
    errors: dict[str, str],
    status: int = 200,
) -> HttpResponse:
    context = {"questions": page.questions, "key": key, "errors": errors, "values": request.POST}
    context["ref"] = _ref(request)
    return _render(request, "surveys/public_form.html", page, context, status=status)


@csrf_exempt  # anonymous, no session to ride; a stale cookie must never lose an answer
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, public_id: str) -> HttpResponse:
    survey = selectors.public_survey(public_id)
    page = LocalizedSurvey.of(survey, respondent_language(request, survey))
    if request.method == "GET":
        return _form(request, page, key=time_ordered_uuid().hex, errors={})
    if request.POST.get(HONEYPOT):  # a bot filled the hidden field: thank it, store nothing
        return _next_page("thanks", page)
    key = request.POST.get("idempotency_key", "")
    answers = answers_from_form(list(survey.questions.all()), request.POST)
    respondent = selectors.respondent_by_ref(survey, _ref(request))
    try:
        stored = services.submit_response(
            survey=survey,
            answers=answers,
            key=key,
            customer_ref=request.GET.get("c", ""),
            customer=respondent.customer,
            invitation_id=respondent.invitation_id,
            prize_draw=request.POST.get("prize_draw") == "on",
        ).response
    except services.SurveyInvalid as exc:
        with translation.override(page.language):
            errors = form_errors(page.questions, exc.errors)
        return _form(request, page, key=key, errors=errors, status=422)
    if stored.probe_due:
        return _next_page("follow_up", page, response_id=stored.uid)
    return _next_page("thanks", page)


@csrf_exempt  # as `respond`
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, public_id: str, response_id: str) -> HttpResponse:
    """The one follow-up question after a low, middling or hesitant answer; skipping is fine."""
    response = services.response_to_update(public_id, str(response_id))
    survey = response.survey
    page = LocalizedSurvey.of(survey, respondent_language(request, survey, known=False))
    words = request.POST.get("probe", "")[:MAX_TEXT]
    refused = invalid_reason(words) is not None  # a NUL (core.text): shown, never stored
    if request.method == "POST" and response.probe_due and not refused:
        services.update_response(
            response=response,
            key=request.POST.get("idempotency_key", "") or time_ordered_uuid().hex,
            answers={PROBE_KEY: normalize(words)},
        )
    if (request.method == "POST" and not refused) or not response.probe_due:
        return _next_page("thanks", page)
    with translation.override(page.language):
        question = page.probe_question(response.probe_trigger)
        error = gettext("Your answer holds a character we cannot keep. Please retype it.")
    context = {
        "question": question,
        "key": time_ordered_uuid().hex,
        "skip_url": _url("thanks", page),
        "error": error if refused else "",
    }
    status = 422 if refused else 200
    return _render(request, "surveys/follow_up.html", page, context, status=status)


def thanks(request: HttpRequest, public_id: str) -> HttpResponse:
    survey = selectors.public_survey(public_id)
    page = LocalizedSurvey.of(survey, respondent_language(request, survey, known=False))
    return _render(request, "surveys/thanks.html", page, {})
