from __future__ import annotations

from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from earful.surveys.scoring import SCALES, QuestionType

register = template.Library()

_HINTS: dict[str, tuple[Promise, Promise]] = {
    QuestionType.NPS: (_("0 = not at all likely"), _("10 = extremely likely")),
    QuestionType.CSAT: (_("1 = very unsatisfied"), _("5 = very satisfied")),
    QuestionType.CES: (_("1 = very difficult"), _("7 = very easy")),
    QuestionType.RATING: (_("1 = poor"), _("5 = excellent")),
}


@register.filter
def scale_values(question: Any) -> range:
    """0..10 for an NPS question (a Question or a LocalizedQuestion)."""
    low, high = SCALES[question.type]
    return range(low, high + 1)


@register.filter
def scale_hints(question: Any) -> tuple[str, str]:
    """What the ends of the scale mean, in the active language."""
    low, high = _HINTS.get(question.type, ("", ""))
    return str(low), str(high)


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
