from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from earful.surveys.scoring import SCALES
from earful.surveys.selectors import public_survey
from earful.widget.schemas import WidgetSurveyOut

router = Router(tags=["public"])


@router.get("/widget/{public_id}", response=WidgetSurveyOut, auth=None)
def widget_survey(request: HttpRequest, public_id: str) -> dict:
    """What the website widget shows: a published survey's questions (no token, CORS by origin)."""
    survey = public_survey(public_id)
    questions = [
        {
            "key": q.key,
            "type": q.type,
            "text": q.text,
            "comment": q.comment,
            "comment_prompt": q.comment_prompt,
            "choices": q.choices or [],
            "scale": list(range(SCALES[q.type][0], SCALES[q.type][1] + 1)) if q.is_score else None,
        }
        for q in survey.questions.all()
    ]
    return {
        "public_id": survey.public_id,
        "title": survey.title,
        "thank_you": survey.thank_you,
        "questions": questions,
    }
