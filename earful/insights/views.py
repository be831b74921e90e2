from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from earful.accounts.access import member_required
from earful.accounts.roles import Permission
from earful.feedback.models import FeedbackItem
from earful.insights import charts, selectors
from earful.insights.selectors_feedback import SENTIMENTS, feedback_progress, items_of_answers
from earful.surveys.models import Answer
from earful.surveys.scoring import SCORE_LABELS
from earful.surveys.selectors import access_survey


@member_required(Permission.VIEW_DASHBOARDS)
def survey_dashboard(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = access_survey(request.member, survey_id)  # type: ignore[attr-defined]
    summary = selectors.survey_summary(survey)
    weeks = selectors.weekly_series(survey)
    steps = selectors.drop_off(survey)
    context = {
        "survey": survey,
        "summary": summary,
        "score_label": SCORE_LABELS.get(survey.score_kind, "Score"),
        "tier_rows": charts.tier_rows(summary),
        "tier_chart": charts.tier_chart(summary),
        "score_chart": charts.weekly_score_chart(weeks, survey.score_kind),
        "volume_chart": charts.weekly_volume_chart(weeks),
        "comments": _with_items(selectors.latest_comments(survey)),
        "progress": feedback_progress(survey.organization),
        "steps": steps,
        "reached_chart": charts.reached_chart(steps),
        "stopped_chart": charts.stopped_chart(steps),
        "min_scored": selectors.MIN_SCORED_PER_WEEK,
    }
    return render(request, "insights/survey_dashboard.html", context)


def _with_items(answers: list[Answer]) -> list[tuple[Answer, FeedbackItem | None]]:
    """(answer, its feedback item or None): the item carries sentiment and hesitancy."""
    items = items_of_answers(answers)
    return [(answer, items.get(answer.pk)) for answer in answers]


@member_required(Permission.VIEW_DASHBOARDS)
def feedback_overview(request: HttpRequest) -> HttpResponse:
    """The organization's feedback: how much is analyzed, the sentiment mix, hesitancy."""
    progress = feedback_progress(request.member.organization)  # type: ignore[attr-defined]
    shares = [(s, progress.sentiments[s], progress.share(s)) for s in SENTIMENTS]
    context = {"progress": progress, "shares": shares}
    return render(request, "insights/feedback.html", context)


@member_required(Permission.VIEW_DASHBOARDS)
def feedback_progress_partial(request: HttpRequest) -> HttpResponse:
    """The progress box alone, which htmx polls while items are pending."""
    progress = feedback_progress(request.member.organization)  # type: ignore[attr-defined]
    return render(request, "insights/_feedback_progress.html", {"progress": progress})
