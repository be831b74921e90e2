"""`earful worker`'s loop: django_tasks_db's worker, made to outlive a transient database
error, with a heartbeat and a lease on running tasks.

- A locked SQLite database or a dropped connection (OperationalError, InterfaceError) anywhere
  in a round (claiming a task, recording its outcome, the heartbeat) is logged; the connection
  is closed so that the next round opens a fresh one, and the round is tried again after a
  backoff (0.5 s doubling up to 30 s, reset by the first round that works). The worker process
  never exits for it.
- Every round touches this worker's WorkerHeartbeat row (at most every HEARTBEAT_SECONDS):
  the pages show a banner when no worker has been seen for EARFUL_WORKER_STALE_SECONDS.
- A task row left RUNNING past EARFUL_TASK_LEASE_SECONDS (its worker was killed mid-task) is
  made READY again and runs again: Earful's tasks are idempotent.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DbWorker
from django_tasks_db.models import DBTaskResult, TaskResultStatus
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from earful.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0
LEASE_CHECK_SECONDS = 60.0
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
TRANSIENT = (OperationalError, InterfaceError)


def backoff_delay(failures: int) -> float:
    """0.5, 1, 2, 4 ... seconds after the failure numbered `failures`, at most BACKOFF_MAX."""
    return min(BACKOFF_FIRST * 2 ** min(max(failures - 1, 0), 16), BACKOFF_MAX)


def reset_connections() -> None:
    """Closes every database connection (a broken one included): the next query reopens."""
    for connection in connections.all():
        try:
            connection.close()
        except Exception:  # a connection already gone cannot be closed cleanly
            logger.debug("closing %s failed", connection.alias, exc_info=True)


def beat(*, worker_id: str, started_at: datetime, now: datetime | None = None) -> None:
    """This worker is alive now."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "seen_at": now,
            "started_at": started_at,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


def requeue_stale_tasks(*, now: datetime | None = None) -> int:
    """Task rows RUNNING for longer than the lease (their worker died) are READY again."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.EARFUL_TASK_LEASE_SECONDS)
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - lease)
    taken = stale.update(status=TaskResultStatus.READY, started_at=None)
    if taken:
        logger.warning("took back %s task(s) left running past the %s lease", taken, lease)
    return taken


class Worker(DbWorker):
    """The database worker whose loop survives transient database errors (see the module)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.started_at = timezone.now()
        self.failures = 0
        self._beaten_at = 0.0
        self._leases_checked_at = 0.0

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, self.queue_names)
        while self.running:
            try:
                ran = self.run_round()
            except TRANSIENT as exc:
                self.failures += 1
                delay = backoff_delay(self.failures)
                logger.warning(
                    "database unavailable (%s: %s); retrying in %.1f s",
                    type(exc).__name__,
                    exc,
                    delay,
                )
                reset_connections()
                self.sleep(delay)
                continue
            self.failures = 0
            if ran is None:
                return
            if self.running and not ran:
                self.sleep(self.interval)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def upkeep(self) -> None:
        """The heartbeat and the lease check, each at its own pace."""
        clock = time.monotonic()
        if clock - self._beaten_at >= HEARTBEAT_SECONDS:
            beat(worker_id=self.worker_id, started_at=self.started_at)
            self._beaten_at = clock
        if clock - self._leases_checked_at >= LEASE_CHECK_SECONDS:
            requeue_stale_tasks()
            self._leases_checked_at = clock

    def claim(self) -> DBTaskResult | None:
        """The next ready task, claimed for this worker; None when there is none or the
        database is locked for now (tried again next round)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise
            logger.warning("database locked; trying again next round")
            return None
        return task_result

    def run_round(self) -> bool | None:
        """One round: upkeep, then one task if one is ready. True when a task ran, False when
        none did, None when the worker is done (--batch with nothing left, --max-tasks)."""
        close_old_connections()
        self.upkeep()
        task_result = self.claim()
        if task_result is not None:
            self.run_task(task_result)
        close_old_connections()
        if self.batch and task_result is None:
            logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
            return None
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            return None
        return task_result is not None
