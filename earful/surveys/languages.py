"""Which language a respondent reads a survey in. Pure functions, no database.

Language codes are lowercase BCP 47 tags of a language and an optional region or script:
`en`, `fr`, `pt-br`, `zh-hant`. `fr-CA` and `fr_ca` are normalized to `fr-ca`. A regional code
asked by a respondent falls back to its language (`fr-ca` is served `fr`), and a bare language
is served a survey's regional variant (`pt` is served `pt-br`) when that is all it has.

The order of precedence on the public pages (`choose_language`):
  1. an explicit `?lang=xx` in the link,
  2. the locale of the customer the link names (`Customer.locale`),
  3. the browser's `Accept-Language`, by q-value,
  4. the survey's default language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_CODE = re.compile(r"^[a-z]{2,3}(-([a-z]{2}|[a-z]{4}|\d{3}))?$")
MAX_ACCEPT_LANGUAGE = 500  # characters of the header looked at; the rest is ignored
MAX_LANGUAGES = 10  # languages one survey may speak


def normalize_language(code: str) -> str:
    """`fr_CA` -> `fr-ca`; the result may still be invalid: check with `is_language`."""
    return code.strip().replace("_", "-").lower()


def is_language(code: str) -> bool:
    return bool(_CODE.match(code))


def primary(code: str) -> str:
    return code.split("-", 1)[0]


def match_language(wanted: str, available: Sequence[str]) -> str | None:
    """The available language that serves `wanted`: the same tag, else the same language."""
    code = normalize_language(wanted)
    if not is_language(code):
        return None
    if code in available:
        return code
    if primary(code) in available:
        return primary(code)
    return next((a for a in available if primary(a) == primary(code)), None)


def parse_accept_language(header: str) -> list[str]:
    """Language tags of an Accept-Language header, best first: q-values sort them (stable for
    ties), q=0 and `*` are left out, malformed parts are skipped."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header[:MAX_ACCEPT_LANGUAGE].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        tag = normalize_language(tag)
        if tag and tag != "*" and 0 < quality <= 1:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def choose_language(
    available: Sequence[str],
    default: str,
    *,
    asked: str = "",
    customer_locale: str = "",
    accept_language: str = "",
) -> str:
    """The language to show: the link's `?lang=`, the customer's locale, the browser's
    preferences, else the survey's default (see the module's docstring)."""
    for wanted in (asked, customer_locale, *parse_accept_language(accept_language)):
        found = match_language(wanted, available) if wanted else None
        if found:
            return found
    return default
