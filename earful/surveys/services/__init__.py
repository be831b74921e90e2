"""Writes for surveys. Building and publishing in `building`, taking answers in `answering`."""

from earful.surveys.services.answering import Submission, submit_response, update_response
from earful.surveys.services.building import (
    SurveyInvalid,
    add_question,
    close_survey,
    create_survey,
    publish_errors,
    publish_survey,
    remove_question,
    spec_of,
    update_survey,
)

__all__ = [
    "Submission",
    "SurveyInvalid",
    "add_question",
    "close_survey",
    "create_survey",
    "publish_errors",
    "publish_survey",
    "remove_question",
    "spec_of",
    "submit_response",
    "update_response",
    "update_survey",
]
