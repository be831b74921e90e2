from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from earful.accounts.access import member_required
from earful.accounts.roles import Permission
from earful.insights import charts, selectors
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
        "comments": selectors.latest_comments(survey),
        "steps": steps,
        "reached_chart": charts.reached_chart(steps),
        "stopped_chart": charts.stopped_chart(steps),
        "min_scored": selectors.MIN_SCORED_PER_WEEK,
    }
    return render(request, "insights/survey_dashboard.html", context)
