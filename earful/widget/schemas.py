from __future__ import annotations

from ninja import Field, Schema


class WidgetQuestionOut(Schema):
    key: str
    type: str
    text: str
    comment: bool
    comment_prompt: str = Field(..., description="The comment box's label, never blank")
    choices: list[str] = Field(..., description="The values to answer with")
    choice_labels: list[str] = Field(..., description="What to show for each choice")
    scale: list[int] | None


class WidgetLabelsOut(Schema):
    send: str


class WidgetSurveyOut(Schema):
    public_id: str
    language: str = Field(..., description="The language of every text here")
    title: str
    thank_you: str
    questions: list[WidgetQuestionOut]
    labels: WidgetLabelsOut = Field(..., description="The widget's own words, translated")
