"""Pure checks of survey definitions and of answers. Errors are (field, message) pairs."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from earful.surveys.scoring import CHOICE_TYPES, SCALES, QuestionType

FieldErrors = list[tuple[str, str]]
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = 5000
MAX_CHOICES = 20
MAX_TIMING_MS = 3_600_000
PROBE_KEY = "probe"  # the follow-up question's answer key
RESERVED_KEYS = frozenset({PROBE_KEY})


@dataclass
class QuestionSpec:
    key: str
    type: str
    text: str
    comment: bool = False
    comment_prompt: str = ""
    required: bool = False
    choices: list[str] = field(default_factory=list)


def check_questions(specs: Sequence[QuestionSpec]) -> FieldErrors:
    """Keys unique and well formed, types known, choices where (and only where) they belong."""
    errors: FieldErrors = []
    taken: set[str] = set()
    for i, spec in enumerate(specs):
        where = f"questions.{i}"
        if not _KEY.match(spec.key):
            errors.append((f"{where}.key", "lowercase letters, digits and _, starting a letter"))
        elif spec.key in RESERVED_KEYS:
            errors.append((f"{where}.key", f"'{spec.key}' is reserved for the follow-up question"))
        elif spec.key in taken:
            errors.append((f"{where}.key", f"'{spec.key}' is used twice"))
        taken.add(spec.key)
        if spec.comment:
            taken.add(f"{spec.key}_comment")
        if spec.type not in QuestionType.values:
            errors.append((f"{where}.type", f"must be one of {', '.join(QuestionType.values)}"))
        if not spec.text.strip():
            errors.append((f"{where}.text", "required"))
        errors.extend(_check_choices(where, spec))
    return errors


def _check_choices(where: str, spec: QuestionSpec) -> FieldErrors:
    if spec.type not in CHOICE_TYPES:
        return [(f"{where}.choices", "only choice questions have choices")] if spec.choices else []
    cleaned = [c.strip() for c in spec.choices]
    if len(cleaned) < 2 or len(cleaned) > MAX_CHOICES:
        return [(f"{where}.choices", f"give between 2 and {MAX_CHOICES} choices")]
    if len(set(cleaned)) != len(cleaned) or "" in cleaned:
        return [(f"{where}.choices", "choices must be distinct and not empty")]
    return []


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_value(spec: QuestionSpec, value: Any) -> str | None:
    """None when the value fits the question, else the reason."""
    if spec.type in SCALES:
        low, high = SCALES[spec.type]
        if not _is_int(value) or not low <= value <= high:
            return f"must be a whole number from {low} to {high}"
    elif spec.type == QuestionType.CHOICE:
        if not isinstance(value, str) or value not in spec.choices:
            return f"must be one of: {', '.join(spec.choices)}"
    elif spec.type == QuestionType.MULTI_CHOICE:
        if not isinstance(value, list) or not value:
            return "must be a non-empty list of choices"
        if len(set(map(str, value))) != len(value) or not set(value) <= set(spec.choices):
            return f"must be distinct choices from: {', '.join(spec.choices)}"
    elif not isinstance(value, str) or len(value) > MAX_TEXT:
        return f"must be text of at most {MAX_TEXT} characters"
    return None


def _check_comment(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        return f"must be text of at most {MAX_TEXT} characters"
    return None


def check_values(specs: Sequence[QuestionSpec], answers: Mapping[str, Any]) -> FieldErrors:
    """Every key known, every given value of the right type and range. Empty values clear."""
    by_key = {spec.key: spec for spec in specs}
    comment_keys = {f"{s.key}_comment": s for s in specs if s.comment}
    errors: FieldErrors = []
    for key, value in answers.items():
        if key in by_key:
            reason = None if is_empty(value) else _check_value(by_key[key], value)
        elif key in comment_keys:
            reason = None if value is None else _check_comment(value)
        else:
            reason = "unknown question"
        if reason:
            errors.append((f"answers.{key}", reason))
    return errors


def check_required(specs: Sequence[QuestionSpec], answers: Mapping[str, Any]) -> FieldErrors:
    return [
        (f"answers.{s.key}", "required")
        for s in specs
        if s.required and is_empty(answers.get(s.key))
    ]


def check_answers(
    specs: Sequence[QuestionSpec], answers: Mapping[str, Any], *, finished: bool = True
) -> FieldErrors:
    """A new response: values valid, at least one answer, required ones present when finished."""
    errors = check_values(specs, answers)
    if finished:
        errors.extend(check_required(specs, answers))
    if not errors and all(is_empty(v) for v in answers.values()):
        errors.append(("answers", "answer at least one question"))
    return errors


def check_timings(keys: Collection[str], timings: Mapping[str, Any]) -> FieldErrors:
    """Time spent per question: known keys, whole milliseconds from 0 to one hour."""
    errors: FieldErrors = []
    for key, value in timings.items():
        if key not in keys:
            errors.append((f"timings.{key}", "unknown question"))
        elif not _is_int(value) or not 0 <= value <= MAX_TIMING_MS:
            errors.append(
                (f"timings.{key}", f"must be whole milliseconds from 0 to {MAX_TIMING_MS}")
            )
    return errors


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []
