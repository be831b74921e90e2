from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from earful.surveys.models import Survey
from earful.surveys.validation import MAX_TEXT, QuestionSpec

QuestionTypeName = Literal["nps", "csat", "ces", "rating", "choice", "multi_choice", "text"]
LANGUAGE_KEYS = "Keyed by language code, one of the survey's `languages` other than the default"


class QuestionWording(Schema):
    """A question in another language. Blank or left out: the default language's wording."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field("", max_length=500)
    comment_prompt: str = Field("", max_length=300)
    choices: list[str] = Field(
        default_factory=list,
        description="Choice questions: labels for the default choices, as many, in their order. "
        "Answers still name the default choice",
    )


class SurveyWording(Schema):
    """The survey's own texts in another language. Blank or left out: the default language's."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("", max_length=200)
    intro: str = Field("", max_length=MAX_TEXT)
    thank_you: str = Field("", max_length=MAX_TEXT)
    probe_text: str = Field("", max_length=300)


class QuestionIn(Schema):
    key: str = Field(..., max_length=40, description="Answer key: lowercase, digits, _")
    type: QuestionTypeName
    text: str = Field(..., max_length=500)
    comment: bool = Field(False, description="Offer a comment box; its answer key is <key>_comment")
    comment_prompt: str = Field("", max_length=300)
    required: bool = False
    choices: list[str] = Field(default_factory=list, description="For choice and multi_choice")
    translations: dict[str, QuestionWording] = Field(
        default_factory=dict, description=LANGUAGE_KEYS
    )

    def spec(self) -> QuestionSpec:
        return QuestionSpec(**self.dict())


class QuestionOut(Schema):
    key: str
    type: str
    text: str
    comment: bool
    comment_prompt: str
    required: bool
    choices: list[str]
    translations: dict[str, QuestionWording]


TrustModeName = Literal["identified", "pseudonymous", "trustee"]


DEFAULT_LANGUAGE = "The language of the survey's own wording (title, questions ...)"
LANGUAGES = (
    "Every language the survey speaks; the default is added first when missing. Publishing "
    "needs every question's text (and choices) in each. Dropping a language drops its wording"
)


class SurveyIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    intro: str = Field("", max_length=MAX_TEXT, description="Shown above the questions")
    thank_you: str = Field(
        "", max_length=MAX_TEXT, description="Thank-you heading; blank: the interface's own"
    )
    trust_mode: TrustModeName = Field("identified", description="Who may see who answered")
    prize_draw: bool = Field(False, description="Offer every respondent a prize-draw entry")
    probe_text: str = Field(
        "", max_length=300, description="Follow-up question after a low or hesitant answer"
    )
    default_language: str = Field("en", max_length=16, description=DEFAULT_LANGUAGE)
    languages: list[str] = Field(default_factory=list, description=LANGUAGES)
    translations: dict[str, SurveyWording] = Field(default_factory=dict, description=LANGUAGE_KEYS)
    questions: list[QuestionIn] = Field(default_factory=list)


class SurveyPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    intro: str | None = Field(None, max_length=MAX_TEXT)
    thank_you: str | None = Field(None, max_length=MAX_TEXT)
    trust_mode: TrustModeName | None = Field(None, description="Drafts only")
    prize_draw: bool | None = None
    probe_text: str | None = Field(None, max_length=300)
    default_language: str | None = Field(None, max_length=16, description=DEFAULT_LANGUAGE)
    languages: list[str] | None = Field(None, description=LANGUAGES)
    translations: dict[str, SurveyWording] | None = Field(
        None, description=f"{LANGUAGE_KEYS}. Replaces all the survey's own translations"
    )
    questions: list[QuestionIn] | None = Field(
        None,
        description="Replaces all questions. Published surveys: only their translations may differ",
    )


class SurveyOut(Schema):
    id: int
    public_id: str
    title: str
    status: str
    score_kind: str
    intro: str
    thank_you: str
    probe_text: str
    trust_mode: str
    prize_draw: bool
    default_language: str
    languages: list[str]
    translations: dict[str, SurveyWording]
    questions: list[QuestionOut]
    created_at: datetime
    published_at: datetime | None

    @staticmethod
    def resolve_languages(obj: Survey) -> list[str]:
        return obj.spoken_languages


class SurveyPage(Schema):
    count: int
    items: list[SurveyOut]


# The two bodies of the public answer endpoints are plain pydantic models: ninja's `Schema`
# adds a validator for reading ORM objects that costs more than the rest of the parsing, on the
# hot path (docs/dev/architecture.md), and these bodies only ever come from JSON.
class ResponseIn(BaseModel):
    answers: dict[str, Any]
    customer: str | None = Field(None, max_length=200, description="The customer's external id")
    ref: str = Field(
        "",
        max_length=500,
        description="The signed `ref` of an invitation link: links the answer to that customer "
        "and invitation (takes precedence over `customer`)",
    )
    finished: bool = Field(
        True, description="False stores a partial response, to be completed with PATCH"
    )
    prize_draw: bool = Field(
        False, description="Enter the survey's prize draw (open to all, whatever the answers)"
    )
    timings: dict[str, Any] = Field(
        default_factory=dict, description='Milliseconds spent per question key: {"nps": 3200}'
    )


class ResponsePatch(BaseModel):
    answers: dict[str, Any] = Field(
        default_factory=dict, description='Answers to merge; null or "" clears one'
    )
    timings: dict[str, Any] = Field(
        default_factory=dict, description="Milliseconds spent per question key, added up"
    )
    finished: bool = Field(False, description="True marks the response finished")


class ProbeOut(Schema):
    trigger: str = Field(..., description="low_score, middling_score, hedging:<phrase> ...")
    question: str = Field(..., description='Ask it; answer with {"answers": {"probe": ...}}')


class ResponseOut(Schema):
    id: str = Field(..., description="The response's public id (UUID)")
    survey: str
    created: bool = Field(
        ..., description="False when this key was already seen: nothing new was applied"
    )
    submitted_at: datetime
    finished: bool
    finished_at: datetime | None
    edits: int = Field(..., description="Answers changed after they were first given")
    score: int | None
    tier: str
    probe: ProbeOut | None = Field(None, description="A follow-up question is due")
