"""Periodic work inside `earful worker`: each sweep runs in a daemon thread of its own.

A sweep is a plain function that is idempotent and safe to rerun (it picks up whatever a lost
task or a crash left behind). An error is logged, never fatal: the next round tries again."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, close_old_connections, connection

logger = logging.getLogger(__name__)


def run_periodically(
    *, name: str, every: float, sweep: Callable[[], Any], stop: threading.Event, first: float
) -> None:
    """Calls `sweep` `first` seconds from now, then every `every` seconds, until `stop`."""
    wait = min(first, every)
    while not stop.wait(wait):
        wait = every
        if not connection.in_atomic_block:  # as the worker does between tasks
            close_old_connections()
        try:
            outcome = sweep()
        except Exception as exc:
            logger.exception("periodic %s failed", name)
            if isinstance(exc, DatabaseError):  # locked, dropped: the next round reconnects
                _close_quietly()
            continue
        if _did_something(outcome):
            logger.info("periodic %s: %s", name, outcome)


def _close_quietly() -> None:
    try:
        connection.close()
    except Exception:
        logger.debug("closing the sweep's connection failed", exc_info=True)


def _did_something(outcome: Any) -> bool:
    """A count above zero, or a report (dataclass) with any count above zero."""
    if dataclasses.is_dataclass(outcome) and not isinstance(outcome, type):
        return any(getattr(outcome, field.name) for field in dataclasses.fields(outcome))
    return bool(outcome)


def start_periodic(
    *, name: str, every: float, sweep: Callable[[], Any], first: float = 5
) -> threading.Event:
    """Starts `run_periodically` in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_periodically,
        kwargs={"name": name, "every": every, "sweep": sweep, "stop": stop, "first": first},
        name=f"earful-{name}",
        daemon=True,
    )
    thread.start()
    return stop
