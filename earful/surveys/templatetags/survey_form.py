from __future__ import annotations

from typing import Any

from django import template

from earful.surveys.models import Question
from earful.surveys.scoring import SCALES, QuestionType

register = template.Library()

_HINTS: dict[str, tuple[str, str]] = {
    QuestionType.NPS: ("0 = not at all likely", "10 = extremely likely"),
    QuestionType.CSAT: ("1 = very unsatisfied", "5 = very satisfied"),
    QuestionType.CES: ("1 = very difficult", "7 = very easy"),
    QuestionType.RATING: ("1 = poor", "5 = excellent"),
}


@register.filter
def scale_values(question: Question) -> range:
    low, high = SCALES[question.type]
    return range(low, high + 1)


@register.filter
def scale_hints(question: Question) -> tuple[str, str]:
    return _HINTS.get(question.type, ("", ""))


@register.filter
def get_value(mapping: Any, key: str) -> str:
    """A posted value (or an error) by key, '' when absent: for re-showing a form."""
    if not mapping or not hasattr(mapping, "get"):
        return ""
    value = mapping.get(key, "")
    return "" if value is None else str(value)


@register.filter
def get_list(mapping: Any, key: str) -> list[str]:
    if not mapping or not hasattr(mapping, "getlist"):
        return []
    return list(mapping.getlist(key))
