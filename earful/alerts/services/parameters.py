"""Each rule kind's parameters: names, defaults, ranges and the words shown beside them.

One table serves the API (`clean_parameters` checks a JSON object) and the rule form (its
fields are made from it), so both refuse the same values with the same messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from earful.alerts.models import RuleKind

Value = int | float | bool | None


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    type: type  # int, float or bool
    default: Value
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    optional: bool = False  # None (blank) allowed: the check is off

    def describe_range(self) -> str:
        what = "a whole number" if self.type is int else "a number"
        if self.minimum is not None and self.maximum is not None:
            return f"{what} from {_num(self.minimum)} to {_num(self.maximum)}"
        if self.minimum is not None:
            return f"{what} of at least {_num(self.minimum)}"
        return what


def _num(value: float) -> str:
    return f"{value:g}"


PARAMETERS: dict[str, tuple[Param, ...]] = {
    RuleKind.DETRACTOR: (
        Param(
            "nps_at_most", "Fire at an NPS answer of at most", int, 6, 0, 10,
            "0-10 scale; 0 to 6 are detractors",
        ),
        Param(
            "other_scales", "Also low CSAT, CES and rating answers", bool, True,
            help="The dissatisfied tier: CSAT and ratings 1-3 of 5, CES 1-4 of 7",
        ),
    ),
    RuleKind.NEGATIVE_REVIEW: (
        Param("stars_at_most", "Fire at a review of at most (stars)", int, 2, 1, 5),
    ),
    RuleKind.THEME_SPIKE: (
        Param(
            "min_increase_percent", "Least rise over the baseline (%)", int, 100, 10, 100000,
            "This week's mentions against the average week of the baseline",
        ),
        Param(
            "min_mentions", "Least mentions this week", int, 10, 1, None,
            "Fewer mentions never fire, however fast they rise",
        ),
        Param("baseline_weeks", "Baseline (weeks before this one)", int, 8, 2, 26),
    ),
    RuleKind.KEY_ACCOUNT_HESITANT: (),
    RuleKind.VIRAL_RISK: (
        Param(
            "engagements_per_hour", "Fire at likes+shares+comments per hour of", float, 50, 1, None,
        ),
        Param(
            "reach_per_hour", "Or at reach gained per hour of", float, None, 1, None,
            "Views or impressions; blank: engagement only", optional=True,
        ),
        Param(
            "window_hours", "Measured over the last (hours)", int, 2, 1, 72,
            "Growth since the snapshot this long before the latest one",
        ),
    ),
}  # fmt: skip


def defaults(kind: str) -> dict[str, Value]:
    return {p.name: p.default for p in PARAMETERS.get(kind, ())}


def _check(param: Param, value: Any) -> tuple[Value, str | None]:
    """The value as stored, or an error message."""
    if value is None:
        if param.optional:
            return None, None
        return None, "is required"
    if param.type is bool:
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, f"must be {param.describe_range()}"
    if param.type is int and value != int(value):
        return None, f"must be {param.describe_range()}"
    number: int | float = int(value) if param.type is int else float(value)
    low, high = param.minimum, param.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        return None, f"must be {param.describe_range()}"
    return number, None


def clean_parameters(kind: str, raw: Any) -> tuple[dict[str, Value], list[tuple[str, str]]]:
    """The kind's parameters with defaults filled in, and the errors as (field, message):
    `parameters.<name>` for a bad value, `parameters` for a name the kind does not have."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        return {}, [("parameters", "must be an object")]
    params = PARAMETERS.get(kind, ())
    known = {p.name for p in params}
    errors = [
        (f"parameters.{name}", f"unknown for a {kind} rule; it takes: {', '.join(sorted(known))}")
        if known
        else (f"parameters.{name}", f"a {kind} rule takes no parameters")
        for name in raw
        if name not in known
    ]
    cleaned: dict[str, Value] = {}
    for param in params:
        value, error = _check(param, raw.get(param.name, param.default))
        if error:
            errors.append((f"parameters.{param.name}", error))
        else:
            cleaned[param.name] = value
    return cleaned, errors


KIND_DESCRIPTIONS: dict[str, str] = {
    RuleKind.DETRACTOR: (
        "A survey answer with a low headline score: NPS at or below your cut (6), and "
        "optionally low CSAT, CES and ratings. Once per response."
    ),
    RuleKind.NEGATIVE_REVIEW: "A public review at or below N stars. Once per review.",
    RuleKind.THEME_SPIKE: (
        "A theme mentioned far more in the last 7 days than in the weeks before, by a "
        "statistical test across all themes. Once per spike (then quiet for a week)."
    ),
    RuleKind.KEY_ACCOUNT_HESITANT: (
        'A hesitant answer ("fine, I guess") from a customer of a key account. Once per item.'
    ),
    RuleKind.VIRAL_RISK: (
        "A negative public post gaining likes, shares and comments (or reach) faster than "
        "your rate per hour. Once per post."
    ),
}


def describe_parameters(kind: str, parameters: Mapping[str, Any]) -> str:
    """The rule's settings as a sentence for people: "Fire at an NPS answer of at most 6;
    also low CSAT, CES and rating answers." (never `nps_at_most=6, other_scales=True`)."""
    parts = []
    for param in PARAMETERS.get(kind, ()):
        value = parameters.get(param.name, param.default)
        if param.type is bool:
            parts.append(param.label if value else f"not {param.label[0].lower()}{param.label[1:]}")
        elif value is None:
            parts.append(f"{param.label}: off")
        else:
            parts.append(f"{param.label} {_num(value)}")
    if not parts:
        return "No settings."
    sentence = "; ".join([parts[0], *(p[0].lower() + p[1:] for p in parts[1:])])
    return sentence + "."
