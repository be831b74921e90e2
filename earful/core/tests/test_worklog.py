"""The worker's log is quiet: finished tasks are counted into one line a minute (a fake clock
here), failures pass, and console emails take one line each."""

from __future__ import annotations

import io
import logging

from django.core.mail import EmailMessage

from earful.core.worklog import OneLineConsoleBackend, TaskSummary


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _record(state: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord(
        "django_tasks", level, __file__, 1, "Task id=%s path=%s state=%s",
        ("1", "earful.alerts.tasks.evaluate_items", f"TaskResultStatus.{state}"), None,
    )  # fmt: skip


def test_finished_tasks_are_counted_and_summed_up_once_a_minute(caplog):
    clock = Clock()
    quiet = TaskSummary(clock=clock)
    with caplog.at_level(logging.INFO, logger="earful.worker"):
        for _ in range(30):
            assert not quiet.filter(_record("RUNNING"))
            assert not quiet.filter(_record("SUCCESSFUL"))
        assert caplog.messages == []  # not a minute yet
        clock.now = 61
        quiet.filter(_record("SUCCESSFUL"))
    assert caplog.messages == ["worker: 31 tasks done in the last 1 min (evaluate_items 31)"]


def test_a_failed_task_is_always_logged():
    assert TaskSummary(clock=Clock()).filter(_record("FAILED", logging.ERROR))


def test_at_debug_every_task_is_logged():
    assert TaskSummary(verbose=True, clock=Clock()).filter(_record("SUCCESSFUL"))


def test_a_console_email_takes_one_line():
    out = io.StringIO()
    message = EmailMessage("Detractor: 2/10 from Ann", "A long body\n" * 40, to=["cx@a.test"])
    OneLineConsoleBackend(stream=out).send_messages([message])
    assert out.getvalue() == "email to cx@a.test: Detractor: 2/10 from Ann\n"
