from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from earful.core.periodic import run_periodically

pytestmark = pytest.mark.django_db  # each round closes stale database connections


class Rounds(threading.Event):
    """A stop event that lets the loop run `rounds` times, without waiting."""

    def __init__(self, rounds: int) -> None:
        super().__init__()
        self.left = rounds

    def wait(self, timeout: float | None = None) -> bool:
        self.left -= 1
        return self.left < 0


@dataclass
class Report:
    done: int


def test_a_sweep_runs_every_round_until_stopped():
    calls: list[int] = []
    run_periodically(name="t", every=0, sweep=lambda: calls.append(1), stop=Rounds(3), first=0)
    assert len(calls) == 3


def test_a_failing_sweep_is_logged_and_tried_again_next_round(caplog):
    calls: list[int] = []

    def sweep() -> None:
        calls.append(1)
        raise RuntimeError("database away")

    run_periodically(name="flaky", every=0, sweep=sweep, stop=Rounds(2), first=0)
    assert len(calls) == 2
    assert "periodic flaky failed" in caplog.text


def test_only_rounds_that_did_something_are_logged(caplog):
    caplog.set_level("INFO")
    outcomes = iter([Report(done=0), Report(done=4), 0])
    run_periodically(name="r", every=0, sweep=lambda: next(outcomes), stop=Rounds(3), first=0)
    assert caplog.text.count("periodic r:") == 1
    assert "Report(done=4)" in caplog.text
