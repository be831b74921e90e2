"""Pure checks of survey definitions and of answers. Errors are (field, message) pairs."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from earful.core.text import invalid_reason
from earful.surveys.languages import MAX_LANGUAGES, is_language, normalize_language
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
    # {"fr": {"text": ..., "comment_prompt": ..., "choices": [...]}}: see `check_translations`
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


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
    else:
        return _check_comment(value)
    return None


def _check_comment(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        return f"must be text of at most {MAX_TEXT} characters"
    return invalid_reason(value)  # a NUL or a lone surrogate (core.text): never stored


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


# Multi-language wording. A survey speaks its default language in its own fields (title, the
# questions' text ...) and may declare more languages; each has its wording in `translations`,
# keyed by language code. What a translation may word, with the longest length each may have:
SURVEY_WORDING = {"title": 200, "intro": MAX_TEXT, "thank_you": MAX_TEXT, "probe_text": 300}
QUESTION_WORDING = {"text": 500, "comment_prompt": 300}  # and "choices" for choice questions


def clean_translations(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Language codes normalized (`fr_CA` -> `fr-ca`), texts stripped, blank texts left out (a
    blank text falls back to the default language). Anything malformed is kept for the checks."""
    cleaned: dict[str, Any] = {}
    for code, wording in raw.items():
        if not isinstance(wording, Mapping):
            cleaned[normalize_language(str(code))] = wording
            continue
        kept: dict[str, Any] = {}
        for name, value in wording.items():
            if isinstance(value, str):
                value = value.strip()
            elif isinstance(value, list):
                value = [c.strip() if isinstance(c, str) else c for c in value]
            if not is_empty(value):
                kept[str(name)] = value
        cleaned[normalize_language(str(code))] = kept
    return cleaned


def check_languages(default: str, languages: Sequence[str]) -> FieldErrors:
    """The default language and the declared ones (the default among them), valid and distinct."""
    errors: FieldErrors = []
    if not is_language(default):
        errors.append(("default_language", f"'{default}' is not a language code like en or pt-br"))
    for i, code in enumerate(languages):
        if not is_language(code):
            errors.append((f"languages.{i}", f"'{code}' is not a language code like fr or pt-br"))
    if len(set(languages)) != len(languages):
        errors.append(("languages", "name each language once"))
    if len(languages) > MAX_LANGUAGES:
        errors.append(("languages", f"a survey speaks at most {MAX_LANGUAGES} languages"))
    return errors


def _check_choice_wording(at: str, value: Any, choices: Sequence[str] | None) -> FieldErrors:
    if choices is None:
        return [(at, "only choice questions have choices")]
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        return [(at, "must be a list of texts")]
    if len(value) != len(choices):
        return [
            (
                at,
                f"give {len(choices)} choices, in the order of the default ones "
                f"({', '.join(choices)}); {len(value)} given",
            )
        ]
    if len(set(value)) != len(value) or "" in value:
        return [(at, "choices must be distinct and not empty")]
    return []


def _check_text_wording(at: str, name: str, value: Any, limits: Mapping[str, int]) -> FieldErrors:
    if name not in limits:
        known = ", ".join([*limits, "choices"] if limits is QUESTION_WORDING else limits)
        return [(at, f"unknown text; a translation words {known}")]
    if not isinstance(value, str) or len(value) > limits[name]:
        return [(at, f"must be text of at most {limits[name]} characters")]
    return []


def check_wording(
    where: str,
    translations: Mapping[str, Any],
    *,
    limits: Mapping[str, int],
    default: str,
    languages: Sequence[str],
    choices: Sequence[str] | None = None,
) -> FieldErrors:
    """One survey's or one question's `translations`: declared languages other than the default,
    known texts of the right length, as many choices as the default language has, in its order.
    `choices` is None for a question without choices (and for the survey itself)."""
    errors: FieldErrors = []
    for code, wording in translations.items():
        at = f"{where}.{code}"
        if code == default:
            errors.append((at, f"'{code}' is the default language: its wording is the own fields"))
        elif code not in languages:
            listed = ", ".join(languages)
            errors.append((at, f"'{code}' is not one of the survey's languages ({listed})"))
        elif not isinstance(wording, Mapping):
            errors.append((at, "must be an object of texts"))
        else:
            for name, value in wording.items():
                if name == "choices" and limits is QUESTION_WORDING:
                    errors.extend(_check_choice_wording(f"{at}.choices", value, choices))
                else:
                    errors.extend(_check_text_wording(f"{at}.{name}", name, value, limits))
    return errors


def check_translations(
    specs: Sequence[QuestionSpec],
    survey_translations: Mapping[str, Any],
    *,
    default: str,
    languages: Sequence[str],
) -> FieldErrors:
    """The survey's and every question's translations (see `check_wording`)."""
    errors = check_wording(
        "translations",
        survey_translations,
        limits=SURVEY_WORDING,
        default=default,
        languages=languages,
    )
    for i, spec in enumerate(specs):
        errors += check_wording(
            f"questions.{i}.translations",
            spec.translations,
            limits=QUESTION_WORDING,
            default=default,
            languages=languages,
            choices=spec.choices if spec.type in CHOICE_TYPES else None,
        )
    return errors


def missing_translations(
    specs: Sequence[QuestionSpec], *, default: str, languages: Sequence[str]
) -> FieldErrors:
    """What keeps a survey from being published in all its languages: every question needs its
    text, and its choices, in each. Other wording falls back to the default language."""
    errors: FieldErrors = []
    for code in languages:
        if code == default:
            continue
        for i, spec in enumerate(specs):
            wording = spec.translations.get(code) or {}
            needed = ["text", *(["choices"] if spec.type in CHOICE_TYPES else [])]
            errors.extend(
                (
                    f"questions.{i}.translations.{code}.{name}",
                    f"question '{spec.key}' has no {name} in '{code}': translate it, "
                    f"or remove '{code}' from the survey's languages",
                )
                for name in needed
                if not wording.get(name)
            )
    return errors
