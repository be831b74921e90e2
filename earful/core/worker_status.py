"""Whether a worker is looking after the queue, for the banner on staff pages.

`earful worker` touches its WorkerHeartbeat row every round (earful/core/worker.py). When no
row was touched for EARFUL_WORKER_STALE_SECONDS, and tasks go through the database queue (not
the tests' immediate backend), staff pages say so, with what is waiting: background tasks, and
what each app registered (emails to send, alert deliveries) for the member's organization.
The freshness check is cached for CACHE_SECONDS so that a page costs no query while all is well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from earful.core.models import WorkerHeartbeat

CACHE_SECONDS = 15
_CACHE_KEY = "earful:worker-seen-at"

# (label, count for an organization id): registered by apps in their AppConfig.ready().
WAITING: list[tuple[str, Callable[[int], int]]] = []


def register_waiting(label: str, count: Callable[[int], int]) -> None:
    """Shows `count(organization_id)` things as `label` in the banner when no worker runs."""
    if all(existing != label for existing, _ in WAITING):
        WAITING.append((label, count))


def worker_expected() -> bool:
    """True when tasks wait in the database for a worker (not with the immediate backend)."""
    from django_tasks import task_backends

    return isinstance(task_backends["default"], DatabaseBackend)


def last_seen() -> datetime | None:
    """When a worker last reported in (cached CACHE_SECONDS); None: never."""
    cached = cache.get(_CACHE_KEY)
    if cached is not None:
        return cached or None
    seen = WorkerHeartbeat.objects.aggregate(seen=Max("seen_at"))["seen"]
    cache.set(_CACHE_KEY, seen or "", CACHE_SECONDS)
    return seen


@dataclass(frozen=True)
class WorkerAbsence:
    last_seen: datetime | None  # None: no worker ever reported in
    waiting: list[tuple[str, int]] = field(default_factory=list)


def worker_absence(organization_id: int, *, now: datetime | None = None) -> WorkerAbsence | None:
    """None while a worker reported in lately; else when it was last seen and what waits."""
    if not worker_expected():
        return None
    now = now or timezone.now()
    seen = last_seen()
    if seen is not None and now - seen < timedelta(seconds=settings.EARFUL_WORKER_STALE_SECONDS):
        return None
    tasks = DBTaskResult.objects.ready().count()
    waiting = [("background tasks", tasks)]
    waiting += [(label, count(organization_id)) for label, count in WAITING]
    return WorkerAbsence(seen, [(label, n) for label, n in waiting if n])
