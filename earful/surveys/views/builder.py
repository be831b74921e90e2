"""Pages where members list, build and publish surveys."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language_info
from django.views.decorators.http import require_POST

from earful.accounts.access import member_required
from earful.accounts.roles import Permission
from earful.surveys import selectors, services
from earful.surveys.forms import QuestionForm, SurveyForm, SurveySettingsForm, TranslationForm
from earful.surveys.languages import is_language, normalize_language
from earful.surveys.localized import LocalizedQuestion
from earful.surveys.models import MAX_PUBLISHED_QUESTIONS, Question, Survey
from earful.surveys.starters import STARTERS, Starter, starter_by_key
from earful.surveys.validation import missing_translations


@member_required(Permission.VIEW_DASHBOARDS)
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = selectors.list_surveys(request.member.organization)  # type: ignore[attr-defined]
    return render(request, "surveys/list.html", {"surveys": surveys})


@member_required(Permission.EDIT_SURVEYS)
def survey_new(request: HttpRequest) -> HttpResponse:
    """A new survey from a template (NPS, CSAT, CES, after a purchase, after a ticket) or blank;
    the preview beside the choice is the public page as the template words it."""
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        starter = starter_by_key(form.cleaned_data["starter"])
        survey = services.create_survey(
            organization=request.member.organization,  # type: ignore[attr-defined]
            title=form.cleaned_data["title"] or (starter.title if starter else ""),
            questions=starter.questions if starter else (),
            intro=starter.intro if starter else "",
            created_by=request.member,  # type: ignore[attr-defined]
        )
        return redirect("surveys:builder", survey_id=survey.pk)
    chosen = starter_by_key(request.GET.get("starter", "") or form["starter"].value() or "")
    context = {"form": form, "starters": STARTERS, "chosen": chosen, **_preview_of(chosen)}
    return render(request, "surveys/new.html", context, status=422 if form.errors else 200)


@member_required(Permission.EDIT_SURVEYS)
def survey_new_preview(request: HttpRequest) -> HttpResponse:
    """The preview of the template chosen (htmx swaps it in as the choice changes)."""
    chosen = starter_by_key(request.GET.get("starter", ""))
    return render(request, "surveys/_preview.html", _preview_of(chosen))


def _preview_of(starter: Starter | None, title: str = "") -> dict[str, object]:
    if starter is None:
        return {"preview_title": title, "preview_intro": "", "preview_questions": []}
    questions = [
        Question(key=q.key, type=q.type, text=q.text, comment=q.comment,
                 comment_prompt=q.comment_prompt, required=q.required, choices=q.choices)
        for q in starter.questions
    ]  # fmt: skip
    return {
        "preview_title": title or starter.title,
        "preview_intro": starter.intro,
        "preview_questions": [LocalizedQuestion.of(q, "en") for q in questions],
    }


def language_name(code: str) -> str:
    """`fr` -> `French (fr)`; a code Django does not know stays as it is."""
    try:
        return f"{get_language_info(code)['name']} ({code})"
    except KeyError:
        return code


def _translation_status(survey: Survey) -> list[dict[str, object]]:
    """Each language other than the default, with how many texts publishing still needs."""
    specs = [services.spec_of(q) for q in survey.questions.all()]
    return [
        {
            "code": code,
            "name": language_name(code),
            "missing": len(
                missing_translations(specs, default=survey.default_language, languages=[code])
            ),
        }
        for code in survey.spoken_languages[1:]
    ]


def _builder(
    request: HttpRequest,
    survey_id: int,
    form: QuestionForm,
    status: int = 200,
    settings_form: SurveySettingsForm | None = None,
) -> HttpResponse:
    survey = selectors.access_survey(request.member, survey_id)  # type: ignore[attr-defined]
    questions = list(survey.questions.all())
    context = {
        "survey": survey,
        "questions": questions,
        "form": form,
        "settings_form": settings_form or SurveySettingsForm(survey=survey),
        "default_language_name": language_name(survey.default_language),
        "translations": _translation_status(survey),
        "max_questions": MAX_PUBLISHED_QUESTIONS,
        "too_many": len(questions) > MAX_PUBLISHED_QUESTIONS,
        "has_comment_room": any(q.comment or q.type == "text" for q in questions),
        "public_url": request.build_absolute_uri(f"/s/{survey.public_id}/"),
        "preview_title": survey.title,
        "preview_intro": survey.intro,
        "preview_questions": [LocalizedQuestion.of(q, survey.default_language) for q in questions],
    }
    return render(request, "surveys/builder.html", context, status=status)


@member_required(Permission.VIEW_DASHBOARDS)
def survey_builder(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _builder(request, survey_id, QuestionForm())


@require_POST
@member_required(Permission.EDIT_SURVEYS)
def question_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = selectors.access_survey(request.member, survey_id)  # type: ignore[attr-defined]
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.add_question(survey=survey, spec=form.spec())
            return redirect("surveys:builder", survey_id=survey.pk)
        except services.SurveyInvalid as exc:
            for _field, message in exc.errors:
                form.add_error(None, message)
    return _builder(request, survey_id, form, status=422)


@require_POST
@member_required(Permission.EDIT_SURVEYS)
def question_remove(request: HttpRequest, survey_id: int, key: str) -> HttpResponse:
    survey = selectors.access_survey(request.member, survey_id)  # type: ignore[attr-defined]
    try:
        services.remove_question(survey=survey, key=key)
    except services.SurveyInvalid as exc:
        messages.error(request, str(exc))
    return redirect("surveys:builder", survey_id=survey.pk)


@require_POST
@member_required(Permission.EDIT_SURVEYS)
def survey_publish(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = selectors.access_survey(request.member, survey_id)  # type: ignore[attr-defined]
    try:
        services.publish_survey(survey=survey)
        messages.success(request, "Published: the public link now takes answers.")
    except services.SurveyInvalid as exc:
        more = f" (and {len(exc.errors) - 1} more)" if len(exc.errors) > 1 else ""
        messages.error(request, f"Not published: {exc.errors[0][1]}{more}")
    return redirect("surveys:builder", survey_id=survey.pk)


@require_POST
@member_required(Permission.EDIT_SURVEYS)
def survey_settings(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The survey's own wording, follow-up question, trust mode, prize draw and languages."""
    survey = selectors.access_survey(request.member, survey_id)  # type: ignore[attr-defined]
    form = SurveySettingsForm(request.POST, survey=survey)
    if form.is_valid():
        try:
            services.update_survey(survey=survey, **form.changes())
            messages.success(request, "Saved.")
            return redirect("surveys:builder", survey_id=survey.pk)
        except services.SurveyInvalid as exc:
            form.add_service_errors(exc.errors)
    return _builder(request, survey_id, QuestionForm(), status=422, settings_form=form)


@member_required(Permission.EDIT_SURVEYS)
def translation_pick(request: HttpRequest, survey_id: int) -> HttpResponse:
    """ "Translate into: [fr]": leads to that language's page."""
    survey = selectors.access_survey(request.member, survey_id)  # type: ignore[attr-defined]
    code = normalize_language(request.GET.get("language", ""))
    if not is_language(code) or code == survey.default_language:
        messages.error(request, "Give a language code other than the default: fr, de, pt-br.")
        return redirect("surveys:builder", survey_id=survey.pk)
    return redirect("surveys:translation", survey_id=survey.pk, language=code)


@member_required(Permission.EDIT_SURVEYS)
def survey_translation(request: HttpRequest, survey_id: int, language: str) -> HttpResponse:
    """One language's wording of the survey, beside the default language's."""
    survey = selectors.access_survey(request.member, survey_id)  # type: ignore[attr-defined]
    code = normalize_language(language)
    if not is_language(code) or code == survey.default_language:
        raise Http404
    form = TranslationForm(request.POST or None, survey=survey, language=code)
    if request.method == "POST" and form.is_valid():
        try:
            services.translate_survey(
                survey=survey,
                language=code,
                wording=form.wording(),
                questions=form.question_wording(),
            )
            messages.success(request, f"Saved the {language_name(code)} wording.")
            return redirect("surveys:builder", survey_id=survey.pk)
        except services.SurveyInvalid as exc:
            form.add_service_errors(exc.errors)
    context = {"survey": survey, "form": form, "language": language_name(code), "code": code}
    context["default_language"] = language_name(survey.default_language)
    status = 422 if form.errors else 200
    return render(request, "surveys/translation.html", context, status=status)
