from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control

from earful.accounts.access import member_required
from earful.accounts.roles import Permission
from earful.surveys.localized import LocalizedQuestion
from earful.surveys.models import Survey
from earful.widget import selectors, services
from earful.widget.forms import WidgetSettingsForm

_SCRIPT = Path(__file__).parent / "static" / "widget" / "earful-widget.js"


@cache_control(public=True, max_age=300)
def widget_script(request: HttpRequest) -> HttpResponse:
    """The one script a website embeds: `<script src=".../widget.js" data-survey="..." async>`."""
    return HttpResponse(_SCRIPT.read_bytes(), content_type="text/javascript; charset=utf-8")


def feedback_link(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The always-on feedback link: /f/<organization>/ leads to its chosen survey."""
    survey = selectors.feedback_survey_for(org_slug)
    return redirect("public:respond", public_id=survey.public_id)


@member_required(Permission.EDIT_SURVEYS)
def widget_settings(request: HttpRequest) -> HttpResponse:
    organization = request.member.organization  # type: ignore[attr-defined]
    current = selectors.widget_settings(organization)
    initial = {
        "allowed_origins": "\n".join(current.allowed_origins),
        "feedback_survey": current.feedback_survey,
    }
    form = WidgetSettingsForm(
        request.POST or None, initial=initial, organization_id=organization.pk
    )
    if request.method == "POST" and form.is_valid():
        try:
            current = services.update_widget_settings(
                organization=organization,
                origins_text=form.cleaned_data["allowed_origins"],
                feedback_survey=form.cleaned_data["feedback_survey"],
            )
            return redirect("widget:settings")
        except services.WidgetSettingsInvalid as exc:
            for field, message in exc.errors:
                form.add_error(field, message)
    base = request.build_absolute_uri("/").rstrip("/")
    context = {"form": form, "widget": current, "base": base, **_preview(current.feedback_survey)}
    return render(request, "widget/settings.html", context, status=422 if form.errors else 200)


def _preview(survey: Survey | None) -> dict[str, object]:
    """What the widget's panel shows once opened: the survey's questions, server-rendered
    (surveys/_preview.html); nothing in it sends an answer."""
    if survey is None:
        return {}
    questions = survey.questions.all()
    return {
        "preview_title": survey.title,
        "preview_intro": "",
        "preview_questions": [LocalizedQuestion.of(q, survey.default_language) for q in questions],
    }
