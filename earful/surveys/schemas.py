from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from earful.surveys.validation import QuestionSpec

QuestionTypeName = Literal["nps", "csat", "ces", "rating", "choice", "multi_choice", "text"]


class QuestionIn(Schema):
    key: str = Field(..., max_length=40, description="Answer key: lowercase, digits, _")
    type: QuestionTypeName
    text: str = Field(..., max_length=500)
    comment: bool = Field(False, description="Offer a comment box; its answer key is <key>_comment")
    comment_prompt: str = Field("", max_length=300)
    required: bool = False
    choices: list[str] = Field(default_factory=list, description="For choice and multi_choice")

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


TrustModeName = Literal["identified", "pseudonymous", "trustee"]


class SurveyIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    trust_mode: TrustModeName = Field("identified", description="Who may see who answered")
    prize_draw: bool = Field(False, description="Offer every respondent a prize-draw entry")
    probe_text: str = Field(
        "", max_length=300, description="Follow-up question after a low or hesitant answer"
    )
    questions: list[QuestionIn] = Field(default_factory=list)


class SurveyPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    trust_mode: TrustModeName | None = Field(None, description="Drafts only")
    prize_draw: bool | None = None
    probe_text: str | None = Field(None, max_length=300)
    questions: list[QuestionIn] | None = None


class SurveyOut(Schema):
    id: int
    public_id: str
    title: str
    status: str
    score_kind: str
    probe_text: str
    trust_mode: str
    prize_draw: bool
    questions: list[QuestionOut]
    created_at: datetime
    published_at: datetime | None


class SurveyPage(Schema):
    count: int
    items: list[SurveyOut]


class ResponseIn(Schema):
    answers: dict[str, Any]
    customer: str | None = Field(None, max_length=200, description="The customer's external id")
    finished: bool = Field(
        True, description="False stores a partial response, to be completed with PATCH"
    )
    prize_draw: bool = Field(
        False, description="Enter the survey's prize draw (open to all, whatever the answers)"
    )
    timings: dict[str, Any] = Field(
        default_factory=dict, description='Milliseconds spent per question key: {"nps": 3200}'
    )


class ResponsePatch(Schema):
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
