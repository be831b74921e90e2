from __future__ import annotations

from ninja import Schema


class WidgetQuestionOut(Schema):
    key: str
    type: str
    text: str
    comment: bool
    comment_prompt: str
    choices: list[str]
    scale: list[int] | None


class WidgetSurveyOut(Schema):
    public_id: str
    title: str
    thank_you: str
    questions: list[WidgetQuestionOut]
