"""Typed access to EARFUL_* environment variables. Bad values fail loudly at start-up.

Every name read here must be documented in docs/self-hosting/configuration.md (a test checks).
"""

from __future__ import annotations

import os
from pathlib import Path


class ConfigError(ValueError):
    """An EARFUL_* variable holds a value Earful cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    if not name.startswith("EARFUL_"):
        raise ConfigError(f"{name}: Earful settings are named EARFUL_*")
    return os.environ.get(name)


def get_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def get_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name}={value!r}: expected one of true/false/1/0/yes/no")


def get_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r}: expected a whole number") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name}={value!r}: must be at least {minimum}")
    return number


def get_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def get_path(name: str, default: Path) -> Path:
    value = _raw(name)
    return Path(value).expanduser().resolve() if value else default
