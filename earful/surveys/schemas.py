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


class SurveyIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    questions: list[QuestionIn] = Field(default_factory=list)


class SurveyPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    questions: list[QuestionIn] | None = None


class SurveyOut(Schema):
    id: int
    public_id: str
    title: str
    status: str
    score_kind: str
    questions: list[QuestionOut]
    created_at: datetime
    published_at: datetime | None


class SurveyPage(Schema):
    count: int
    items: list[SurveyOut]


class ResponseIn(Schema):
    answers: dict[str, Any]
    customer: str | None = Field(None, max_length=200, description="The customer's external id")


class ResponseOut(Schema):
    id: str = Field(..., description="The response's public id (UUID)")
    survey: str
    created: bool = Field(..., description="False when this key was already answered")
    submitted_at: datetime
    score: int | None
    tier: str
