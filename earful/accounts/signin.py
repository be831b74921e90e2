"""The sign-in lock-out: after EARFUL_LOGIN_MAX_FAILURES failed sign-ins within
EARFUL_LOGIN_LOCKOUT_MINUTES, an account cannot sign in (not even with the right password)
until the oldest of those failures is that old; a client address likewise after 4 times as many
(it may be an office of several people). Kept in the database (`LoginAttempt`), so every
process of the server counts the same tries, and the rows stay for the audit log."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from earful.accounts.models import LoginAttempt
from earful.core.text import repair_text

Outcome = LoginAttempt.Outcome
ADDRESS_FACTOR = 4  # an address may fail this many times more than one account


def record_sign_in(*, email: str, address: str, outcome: str, now: datetime | None = None) -> None:
    LoginAttempt.objects.create(
        email=repair_text(email.strip().lower())[:254],
        address=repair_text(address)[:64],
        outcome=outcome,
        at=now or timezone.now(),
    )


def lockout_seconds(*, email: str, address: str, now: datetime | None = None) -> int:
    """0 when a sign-in may be tried, else the seconds until the lock-out ends."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.EARFUL_LOGIN_LOCKOUT_MINUTES)
    limit = settings.EARFUL_LOGIN_MAX_FAILURES
    tries = LoginAttempt.objects.filter(at__gt=now - window)
    email = repair_text(email.strip().lower())[:254]
    last_success = (
        tries.filter(email=email, outcome=Outcome.SUCCEEDED).order_by("-at").first()
        if email
        else None
    )
    failures = tries.filter(outcome=Outcome.FAILED)
    by_email = failures.filter(email=email)
    if last_success is not None:  # a success clears the account's count
        by_email = by_email.filter(at__gt=last_success.at)
    ends = [
        _lock_end(by_email, limit, window) if email else None,
        _lock_end(failures.filter(address=address), limit * ADDRESS_FACTOR, window)
        if address
        else None,
    ]
    latest = max((end for end in ends if end is not None), default=None)
    return 0 if latest is None or latest <= now else math.ceil((latest - now).total_seconds())


def _lock_end(failures: QuerySet[LoginAttempt], limit: int, window: timedelta) -> datetime | None:
    """When `limit` failures are within the window: the moment the oldest of them leaves it."""
    recent = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    return recent[-1] + window if len(recent) >= limit else None


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
