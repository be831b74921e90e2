from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext

from earful.core.text import CleanTextFormMixin, normalize
from earful.surveys.languages import normalize_language
from earful.surveys.localized import LocalizedQuestion
from earful.surveys.models import Question, Survey, TrustMode
from earful.surveys.scoring import CHOICE_TYPES, SCALES, QuestionType
from earful.surveys.validation import MAX_TEXT, FieldErrors, QuestionSpec

# The public form's honeypot: hidden from people (visually and from screen readers), filled by
# bots. Its name holds a hyphen, so no question key (letters, digits, _) can take it.
HONEYPOT = "your-website"


class SurveyForm(CleanTextFormMixin, forms.Form):
    """A new survey: a template (or blank) and a title (the template's when left empty)."""

    starter = forms.CharField(max_length=40, required=False)
    title = forms.CharField(max_length=200, required=False)

    def clean_starter(self) -> str:
        from earful.surveys.starters import BLANK, BY_KEY

        key = self.cleaned_data["starter"] or BLANK
        if key != BLANK and key not in BY_KEY:
            raise forms.ValidationError("Choose one of the templates, or a blank survey.")
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starter") == "blank" and not (data.get("title") or "").strip():
            self.add_error("title", "A blank survey needs a title.")
        return data


class SurveySettingsForm(CleanTextFormMixin, forms.Form):
    """The survey's own wording and settings, on the builder page."""

    title = forms.CharField(max_length=200)
    intro = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Introduction",
        help_text="Shown above the questions; optional",
    )
    thank_you = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        label="Thank-you heading",
        help_text="Blank: “Thank you! Your answer helps us improve.” in the respondent's language",
    )
    probe_text = forms.CharField(
        required=False,
        max_length=300,
        label="Follow-up question",
        help_text="Asked once after a low, middling or hesitant answer. Blank: a question that "
        "fits the answer (“What is one thing we could do better?” after a low score)",
    )
    trust_mode = forms.ChoiceField(
        choices=TrustMode.choices,
        widget=forms.RadioSelect,
        label="Who may see who answered",
        help_text="Fixed once the survey is published: respondents answer under it",
    )
    prize_draw = forms.BooleanField(
        required=False,
        label="Offer a prize draw",
        help_text="Every respondent may enter, whatever they answer",
    )
    default_language = forms.CharField(
        max_length=16, help_text="The language of the wording on this page: en, fr, pt-br"
    )
    languages = forms.CharField(
        required=False,
        max_length=200,
        label="Other languages",
        help_text="Codes separated by spaces: fr de. Each needs every question translated "
        "before publishing",
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        others = [code for code in survey.spoken_languages if code != survey.default_language]
        initial = {
            "title": survey.title,
            "intro": survey.intro,
            "thank_you": survey.thank_you,
            "probe_text": survey.probe_text,
            "trust_mode": survey.trust_mode,
            "prize_draw": survey.prize_draw,
            "default_language": survey.default_language,
            "languages": " ".join(others),
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["trust_mode"].disabled = survey.status != "draft"

    def changes(self) -> dict[str, Any]:
        """Keyword arguments for `update_survey`."""
        data = dict(self.cleaned_data)
        default = normalize_language(data["default_language"])
        others = [normalize_language(c) for c in re.split(r"[\s,;]+", data.pop("languages"))]
        return {**data, "languages": [default, *(c for c in others if c)]}

    def add_service_errors(self, errors: FieldErrors) -> None:
        for name, message in errors:
            field = name.split(".", 1)[0]
            self.add_error(field if field in self.fields else None, f"{name}: {message}")


class QuestionForm(CleanTextFormMixin, forms.Form):
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
            raw = normalize(str(data[question.key]).strip())
            answers[question.key] = int(raw) if question.is_score and raw.isdigit() else raw
        if question.comment and question.comment_key in data:
            answers[question.comment_key] = normalize(str(data[question.comment_key]))
    return answers


def form_errors(questions: Sequence[LocalizedQuestion], errors: FieldErrors) -> dict[str, str]:
    """The service's errors as the respondent reads them, by question key ("" for the form),
    in the active language."""
    by_key = {q.key: q for q in questions} | {q.comment_key: q for q in questions if q.comment}
    shown: dict[str, str] = {}
    for name, message in errors:
        question = by_key.get(name.removeprefix("answers."))
        if question is None:
            shown[""] = (
                gettext("Please answer at least one question.")
                if name == "answers"
                else gettext("Your answers could not be sent. Please check them and try again.")
            )
        else:
            is_comment = question.comment and name == f"answers.{question.comment_key}"
            shown.setdefault(question.key, _answer_error(question, message, is_comment))
    return shown


def _answer_error(question: LocalizedQuestion, message: str, is_comment: bool) -> str:
    if message == "required":
        return gettext("Please answer this question.")
    if message.startswith("contains"):  # core.text.invalid_reason: a NUL
        return gettext("Your answer holds a character we cannot keep. Please retype it.")
    if question.type in SCALES and not is_comment:
        low, high = SCALES[question.type]
        return gettext("Choose a whole number from %(low)s to %(high)s.") % {
            "low": low,
            "high": high,
        }
    if question.type in CHOICE_TYPES and not is_comment:
        return gettext("Choose from the options given.")
    return gettext("Please write at most %(count)s characters.") % {"count": MAX_TEXT}


_INTERFACE_WORDS = "(blank: the interface's own words, translated)"
# name, label, longest length, what a blank default-language text means
_SURVEY_TEXTS = (
    ("title", "Title", 200, ""),
    ("intro", "Introduction", MAX_TEXT, "(blank: no introduction)"),
    ("thank_you", "Thank-you heading", MAX_TEXT, _INTERFACE_WORDS),
    ("probe_text", "Follow-up question", 300, _INTERFACE_WORDS),
)


class TranslationForm(CleanTextFormMixin, forms.Form):
    """One language's wording of a survey: its own texts, then each question's. A blank text
    falls back to the default language; each field's help shows the default wording."""

    def __init__(self, *args: Any, survey: Survey, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        own = survey.translations.get(language) or {}
        for name, label, limit, blank in _SURVEY_TEXTS:
            default = getattr(survey, name) or blank
            self.fields[name] = self._text(label, limit, own.get(name, ""), default)
        self.fields["intro"].widget = forms.Textarea(attrs={"rows": 2})
        for q in self.questions:
            self._add_question_fields(q, q.translations.get(language) or {})

    @staticmethod
    def _text(label: str, limit: int, initial: str, default: str) -> forms.CharField:
        return forms.CharField(
            required=False, max_length=limit, label=label, initial=initial, help_text=default
        )

    def _add_question_fields(self, q: Question, words: dict[str, Any]) -> None:
        self.fields[f"q-{q.key}-text"] = self._text("Question", 500, words.get("text", ""), q.text)
        if q.comment:
            prompt = q.comment_prompt or _INTERFACE_WORDS
            initial = words.get("comment_prompt", "")
            self.fields[f"q-{q.key}-comment_prompt"] = self._text(
                "Comment prompt", 300, initial, prompt
            )
        if q.type in CHOICE_TYPES:
            self.fields[f"q-{q.key}-choices"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": len(q.choices)}),
                label="Choices, one a line, in the same order",
                initial="\n".join(words.get("choices", [])),
                help_text=" · ".join(q.choices),
            )

    def survey_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, *_ in _SURVEY_TEXTS]

    def question_fields(self) -> list[tuple[Question, list[forms.BoundField]]]:
        prefix = "q-{}-"
        return [
            (q, [self[n] for n in self.fields if n.startswith(prefix.format(q.key))])
            for q in self.questions
        ]

    def wording(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name, *_ in _SURVEY_TEXTS}

    def question_wording(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        wording: dict[str, dict[str, Any]] = {}
        for q in self.questions:
            words = {"text": data[f"q-{q.key}-text"]}
            words["comment_prompt"] = data.get(f"q-{q.key}-comment_prompt", "")
            lines = data.get(f"q-{q.key}-choices", "").splitlines()
            wording[q.key] = {**words, "choices": [line.strip() for line in lines if line.strip()]}
        return wording

    def add_service_errors(self, errors: FieldErrors) -> None:
        """`translations.fr.title` and `questions.1.translations.fr.text` onto their fields."""
        for name, message in errors:
            parts = name.split(".")
            field = None
            if parts[0] == "translations" and len(parts) == 3:
                field = parts[2]
            elif parts[0] == "questions" and len(parts) == 5 and parts[1].isdigit():
                index = int(parts[1])
                if index < len(self.questions):
                    field = f"q-{self.questions[index].key}-{parts[4]}"
            self.add_error(field if field in self.fields else None, message)
