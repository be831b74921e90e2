from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from ninja import Router

from earful.surveys.languages import choose_language
from earful.surveys.localized import LocalizedQuestion, LocalizedSurvey
from earful.surveys.scoring import SCALES
from earful.surveys.selectors import public_survey
from earful.widget.schemas import WidgetSurveyOut

router = Router(tags=["public"])


def _question(q: LocalizedQuestion) -> dict:
    return {
        "key": q.key,
        "type": q.type,
        "text": q.text,
        "comment": q.comment,
        "comment_prompt": q.comment_label,
        "choices": [o.value for o in q.options],
        "choice_labels": [o.label for o in q.options],
        "scale": list(range(SCALES[q.type][0], SCALES[q.type][1] + 1)) if q.is_score else None,
    }


@router.get("/widget/{public_id}", response=WidgetSurveyOut, auth=None)
def widget_survey(
    request: HttpRequest, response: HttpResponse, public_id: str, lang: str = ""
) -> dict:
    """What the website widget shows: a published survey's questions (no token, CORS by origin),
    worded in the language asked by `?lang=`, else the browser's `Accept-Language`, else the
    survey's default language."""
    survey = public_survey(public_id)
    language = choose_language(
        survey.spoken_languages,
        survey.default_language,
        asked=lang,
        accept_language=request.headers.get("Accept-Language", ""),
    )
    page = LocalizedSurvey.of(survey, language)
    with translation.override(language):
        body = {
            "public_id": survey.public_id,
            "language": language,
            "title": page.title,
            "thank_you": page.thank_you,
            "questions": [_question(q) for q in page.questions],
            "labels": {"send": gettext("Send")},
        }
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    return body
