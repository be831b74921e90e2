from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.insights import selectors
from earful.insights.schemas import SummaryOut
from earful.surveys.selectors import access_survey

router = Router(tags=["insights"])


@router.get("/{survey_id}/summary", response=SummaryOut)
def survey_summary(request: HttpRequest, survey_id: int) -> dict:
    """Responses, the headline score (NPS, CSAT %, CES or rating average) and the three tiers."""
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    summary = selectors.survey_summary(access_survey(member, survey_id))
    return {
        "responses": summary.responses,
        "finished": summary.finished,
        "unfinished": summary.unfinished,
        "score": {"kind": summary.kind, "value": summary.score},
        "tiers": summary.tiers,
        "suppressed": summary.suppressed,
    }
