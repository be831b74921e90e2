"""Writes for surveys. Building and publishing in `building`; taking answers in `answering`
(new responses), `updating` (question by question) and `expanding` (their Answer rows)."""

from earful.surveys.services.answering import NOT_ACCEPTING, Submission, submit_response
from earful.surveys.services.building import (
    SurveyInvalid,
    add_question,
    close_survey,
    create_survey,
    publish_errors,
    publish_survey,
    remove_question,
    spec_of,
    translate_survey,
    update_survey,
)
from earful.surveys.services.expanding import expand_responses
from earful.surveys.services.updating import (
    response_to_update,
    update_public_response,
    update_response,
)

__all__ = [
    "NOT_ACCEPTING",
    "Submission",
    "SurveyInvalid",
    "add_question",
    "close_survey",
    "create_survey",
    "expand_responses",
    "publish_errors",
    "publish_survey",
    "remove_question",
    "response_to_update",
    "spec_of",
    "submit_response",
    "translate_survey",
    "update_public_response",
    "update_response",
    "update_survey",
]
