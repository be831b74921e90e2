"""A quiet worker log: the task framework logs every task's start and finish; this keeps the
failures, counts the rest and writes one summary line a minute. At EARFUL_LOG_LEVEL=DEBUG every
line passes. Also an email backend for the console that writes one line per message (the
whole message at DEBUG), so alert emails do not flood the terminal."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from typing import Any

from django.core.mail.backends.console import EmailBackend as ConsoleBackend

SUMMARY_SECONDS = 60.0
summary_logger = logging.getLogger("earful.worker")


class TaskSummary(logging.Filter):
    """Filter on the `django_tasks` logger: a finished task is counted, not logged; once a
    minute (when tasks ran) one line says how many of each finished."""

    def __init__(self, verbose: bool = False, clock: Any = time.monotonic) -> None:
        super().__init__()
        self.verbose, self.clock = verbose, clock
        self.done: Counter[str] = Counter()
        self.since = clock()
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.verbose or record.levelno >= logging.WARNING:
            return True
        args = record.args if isinstance(record.args, tuple) else ()
        if len(args) == 3 and str(record.msg).startswith("Task id="):
            _id, path, state = args
            if str(state).endswith("SUCCESSFUL"):
                with self._lock:
                    self.done[str(path).rsplit(".", 1)[-1]] += 1
            self.flush()
            return False
        return True

    def flush(self, *, force: bool = False) -> None:
        """Writes the summary line if a minute passed (or `force`) and any task finished."""
        with self._lock:
            now = self.clock()
            if not self.done or (not force and now - self.since < SUMMARY_SECONDS):
                return
            counts, minutes = self.done, max((now - self.since) / 60, 1 / 60)
            self.done, self.since = Counter(), now
        each = ", ".join(f"{name} {n}" for name, n in counts.most_common())
        summary_logger.info(
            "worker: %d tasks done in the last %.0f min (%s)",
            sum(counts.values()),
            minutes,
            each,
        )


def task_summary_filter() -> TaskSummary:
    """The filter LOGGING installs (settings.py): verbose at EARFUL_LOG_LEVEL=DEBUG."""
    from django.conf import settings

    return TaskSummary(verbose=settings.LOGGING["root"]["level"] == "DEBUG")  # type: ignore[index]


class OneLineConsoleBackend(ConsoleBackend):
    """Console email: one line per message at INFO (to, subject); the message at DEBUG."""

    def write_message(self, message: Any) -> None:
        if logging.getLogger().isEnabledFor(logging.DEBUG):
            super().write_message(message)
            return
        to = ", ".join(message.recipients())
        self.stream.write(f"email to {to}: {message.subject}\n")
