"""Pages where members list, build and publish surveys."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from earful.accounts.access import member_required
from earful.accounts.roles import Permission
from earful.surveys import selectors, services
from earful.surveys.forms import QuestionForm, SurveyForm
from earful.surveys.models import MAX_PUBLISHED_QUESTIONS


@member_required(Permission.VIEW_DASHBOARDS)
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = selectors.list_surveys(request.member.organization)  # type: ignore[attr-defined]
    return render(request, "surveys/list.html", {"surveys": surveys})


@member_required(Permission.EDIT_SURVEYS)
def survey_new(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = services.create_survey(
            organization=request.member.organization,  # type: ignore[attr-defined]
            title=form.cleaned_data["title"],
            created_by=request.member,  # type: ignore[attr-defined]
        )
        return redirect("surveys:builder", survey_id=survey.pk)
    return render(request, "surveys/new.html", {"form": form})


def _builder(
    request: HttpRequest, survey_id: int, form: QuestionForm, status: int = 200
) -> HttpResponse:
    survey = selectors.access_survey(request.member, survey_id)  # type: ignore[attr-defined]
    questions = list(survey.questions.all())
    context = {
        "survey": survey,
        "questions": questions,
        "form": form,
        "max_questions": MAX_PUBLISHED_QUESTIONS,
        "too_many": len(questions) > MAX_PUBLISHED_QUESTIONS,
        "has_comment_room": any(q.comment or q.type == "text" for q in questions),
        "public_url": request.build_absolute_uri(f"/s/{survey.public_id}/"),
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
        messages.error(request, f"Not published: {exc.errors[0][1]}")
    return redirect("surveys:builder", survey_id=survey.pk)
