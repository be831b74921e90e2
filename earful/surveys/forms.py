from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import QueryDict

from earful.surveys.models import Question
from earful.surveys.scoring import QuestionType
from earful.surveys.validation import QuestionSpec


class SurveyForm(forms.Form):
    title = forms.CharField(max_length=200)


class QuestionForm(forms.Form):
    type = forms.ChoiceField(choices=QuestionType.choices)
    key = forms.SlugField(max_length=40, help_text="Short id used in the API and exports: nps")
    text = forms.CharField(max_length=500, label="Question")
    comment = forms.BooleanField(required=False, initial=True, label="Offer a comment box")
    required = forms.BooleanField(required=False, label="Required")
    choices = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One choice a line"
    )

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        return QuestionSpec(
            key=data["key"],
            type=data["type"],
            text=data["text"],
            comment=data["comment"],
            required=data["required"],
            choices=[line.strip() for line in data["choices"].splitlines() if line.strip()],
        )


def answers_from_form(questions: Sequence[Question], data: QueryDict) -> dict[str, Any]:
    """Typed answers from a posted form. Bad values stay as given, for the validator to name."""
    answers: dict[str, Any] = {}
    for question in questions:
        if question.type == QuestionType.MULTI_CHOICE:
            answers[question.key] = data.getlist(question.key)
        elif question.key in data:
            raw = str(data[question.key]).strip()
            answers[question.key] = int(raw) if question.is_score and raw.isdigit() else raw
        if question.comment and question.comment_key in data:
            answers[question.comment_key] = data[question.comment_key]
    return answers
