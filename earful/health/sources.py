"""Signals from apps that are not wired yet: open and breached cases, missed commitments, and
touches on channels Earful does not own here (a case reply, an idea reply, a release note).

Each is a provider: `fn(organization_id, customer_ids) -> {customer_id: value}`, registered
under a name. Health asks every provider of a kind for the customers it scores; with none
registered the signal is zero (and the score says nothing about it). When `earful.cases` and
`earful.ideas` land, they are wired here, in health (it sits above them), e.g.:

    register(OPEN_CASES, "cases", cases.selectors.open_cases_by_customer)
    register(TOUCHES, "cases", cases.selectors.last_touch_by_customer)

A provider that raises is logged and skipped: a lower app's bug never stops the recompute.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

logger = logging.getLogger(__name__)

OPEN_CASES = "open_cases"  # {customer_id: number of open cases}
BREACHED_CASES = "breached_cases"  # {customer_id: open cases past their response target}
MISSED_COMMITMENTS = "missed_commitments"  # {customer_id: commitments missed, last 180 days}
TOUCHES = "touches"  # {customer_id: the last time someone answered or wrote to them}
KINDS = (OPEN_CASES, BREACHED_CASES, MISSED_COMMITMENTS, TOUCHES)

Provider = Callable[[int, list[int]], dict[int, Any]]
_providers: dict[str, dict[str, Provider]] = {kind: {} for kind in KINDS}


def register(kind: str, name: str, provider: Provider) -> None:
    if kind not in _providers:
        raise ValueError(f"unknown signal kind {kind!r}: one of {', '.join(KINDS)}")
    _providers[kind][name] = provider


def unregister(kind: str, name: str) -> None:
    _providers[kind].pop(name, None)


def provided(kind: str, organization_id: int, customer_ids: Iterable[int]) -> dict[int, Any]:
    """Counts are added up across providers; touch times keep the latest."""
    ids = list(customer_ids)
    merged: dict[int, Any] = {}
    for name, provider in _providers[kind].items():
        try:
            values = provider(organization_id, ids)
        except Exception:
            logger.exception("health signal provider %s/%s failed", kind, name)
            continue
        for customer_id, value in values.items():
            if kind == TOUCHES:
                merged[customer_id] = _later(merged.get(customer_id), value)
            else:
                merged[customer_id] = merged.get(customer_id, 0) + int(value)
    return merged


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return max(a, b)
