"""A survey as a respondent reads it, in one language: the public form, its follow-up and
thank-you pages, the website widget.

Each text is looked up on its own: the language's translation, else the author's wording in
the default language, else (for texts the author may leave blank: the comment prompt, the
thank-you heading, the follow-up question) the interface's own words, translated by gettext.
Choices keep their default-language value, which answers are stored under, and show a label.
Interface strings are translated in the active language: call inside `translation.override`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from earful.surveys.models import Question, Survey

# The interface's default wording, marked for translation. probing.py holds the same English
# texts (a test keeps them equal); it stays free of Django's translation machinery.
PROBE_DEFAULTS = {
    "low_score": gettext_lazy("Thanks. What is one thing we could do better?"),
    "middling_score": gettext_lazy("Thanks. What is one thing that would have made it better?"),
}
PROBE_DEFAULT = gettext_lazy(
    "Thanks. Is there anything that could have gone better, even something small?"
)
COMMENT_PROMPT = gettext_lazy("What is the main reason for your answer? (optional)")
THANK_YOU = gettext_lazy("Thank you! Your answer helps us improve.")


def _wording(translations: dict[str, Any], language: str, name: str, own: Any) -> Any:
    found = (translations or {}).get(language, {}).get(name)
    return found if found else own


@dataclass(frozen=True)
class Option:
    value: str  # what the answer stores: the default language's choice
    label: str  # what the respondent reads


@dataclass(frozen=True)
class LocalizedQuestion:
    question: Question
    text: str
    comment_prompt: str
    options: tuple[Option, ...]

    @classmethod
    def of(cls, question: Question, language: str) -> LocalizedQuestion:
        words = question.translations
        labels = _wording(words, language, "choices", question.choices) or []
        return cls(
            question=question,
            text=_wording(words, language, "text", question.text),
            comment_prompt=_wording(words, language, "comment_prompt", question.comment_prompt),
            options=tuple(
                Option(value, label)
                for value, label in zip(question.choices or [], labels, strict=False)
            ),
        )

    def __getattr__(self, name: str) -> Any:
        """key, type, required, comment, comment_key, is_score: as the question has them."""
        if name.startswith("__") or name == "question":
            raise AttributeError(name)  # copying and pickling look for dunders before init
        return getattr(self.question, name)

    @property
    def comment_label(self) -> str:
        return self.comment_prompt or str(COMMENT_PROMPT)


@dataclass(frozen=True)
class LocalizedSurvey:
    survey: Survey
    language: str
    questions: tuple[LocalizedQuestion, ...]

    @classmethod
    def of(cls, survey: Survey, language: str) -> LocalizedSurvey:
        questions = tuple(LocalizedQuestion.of(q, language) for q in survey.questions.all())
        return cls(survey=survey, language=language, questions=questions)

    def _text(self, name: str) -> str:
        own = getattr(self.survey, name)
        return str(_wording(self.survey.translations, self.language, name, own))

    @property
    def title(self) -> str:
        return self._text("title")

    @property
    def intro(self) -> str:
        return self._text("intro")

    @property
    def thank_you(self) -> str:
        return self._text("thank_you") or str(THANK_YOU)

    def probe_question(self, trigger: str) -> str:
        """The follow-up question for a response's trigger, in this language."""
        return self._text("probe_text") or str(PROBE_DEFAULTS.get(trigger, PROBE_DEFAULT))

    def __getattr__(self, name: str) -> Any:
        """public_id, prize_draw, is_trustee ...: as the survey has them."""
        if name.startswith("__") or name == "survey":
            raise AttributeError(name)
        return getattr(self.survey, name)
