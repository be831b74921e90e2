from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from earful.accounts.models import Organization
from earful.surveys.models import Survey
from earful.surveys.services import create_survey, publish_survey
from earful.surveys.validation import QuestionSpec

NPS_QUESTIONS = (
    QuestionSpec(key="nps", type="nps", text="How likely are you to recommend us?", comment=True),
    QuestionSpec(key="ease", type="ces", text="How easy was it?"),
    QuestionSpec(key="plan", type="choice", text="Your plan", choices=["Free", "Pro"]),
)


def make_survey(
    organization: Organization,
    *,
    title: str = "Relationship NPS",
    questions: Sequence[QuestionSpec] = NPS_QUESTIONS,
    published: bool = True,
    **extra: Any,
) -> Survey:
    survey = create_survey(organization=organization, title=title, questions=questions, **extra)
    return publish_survey(survey=survey) if published else survey
