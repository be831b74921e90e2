"""`earful worker` outlives a busy or dropped database, reports a heartbeat, takes back tasks
left running by a killed worker, and the pages say when no worker runs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from earful.core import worker_status
from earful.core.models import WorkerHeartbeat
from earful.core.worker import Worker, backoff_delay, beat, requeue_stale_tasks

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]


def test_the_backoff_doubles_from_half_a_second_to_thirty():
    assert [backoff_delay(n) for n in (1, 2, 3, 4, 7, 8, 50)] == [0.5, 1, 2, 4, 30, 30, 30]


@pytest.mark.django_db
def test_the_loop_survives_database_errors_and_goes_on_with_a_backoff(caplog):
    """A round that meets a locked or dropped database is retried; the loop never ends."""
    errors = [OperationalError("database is locked"), OperationalError("server closed")]
    rounds: list[str] = []
    slept: list[float] = []

    class Flaky(Worker):
        def run_round(self) -> bool | None:
            if errors:
                rounds.append("error")
                raise errors.pop(0)
            rounds.append("ok")
            return None if len(rounds) > 3 else False

        def sleep(self, seconds: float) -> None:
            slept.append(seconds)

    Flaky(**_options()).run()
    assert rounds == ["error", "error", "ok", "ok"]
    assert slept[:2] == [0.5, 1.0]  # backoff, then the idle interval
    assert caplog.text.count("database unavailable") == 2


def _options() -> dict[str, object]:
    return {
        "queue_names": ["default"],
        "interval": 0,
        "batch": False,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "w1",
        "excluded_queue_names": [],
    }


@pytest.mark.django_db
def test_each_round_reports_a_heartbeat_per_worker():
    beat(worker_id="w1", started_at=NOW, now=NOW)
    beat(worker_id="w1", started_at=NOW, now=NOW + timedelta(seconds=30))
    beat(worker_id="w2", started_at=NOW, now=NOW + timedelta(seconds=40))
    rows = dict(WorkerHeartbeat.objects.values_list("worker_id", "seen_at"))
    assert rows == {"w1": NOW + timedelta(seconds=30), "w2": NOW + timedelta(seconds=40)}
    beat(worker_id="w3", started_at=NOW, now=NOW + timedelta(days=2))
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w3"]


def _task_row(status: str, started_at: datetime | None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        started_at=started_at,
        args_kwargs={"args": [], "kwargs": {"item_ids": []}},
        task_path="earful.alerts.tasks.evaluate_items",
        backend_name="default",
        run_after=NOW,
        exception_class_path="",
        traceback="",
    )


@pytest.mark.django_db
def test_a_task_left_running_past_its_lease_is_taken_back(settings):
    settings.EARFUL_TASK_LEASE_SECONDS = 600
    killed = _task_row(TaskResultStatus.RUNNING, NOW - timedelta(minutes=11))
    busy = _task_row(TaskResultStatus.RUNNING, NOW - timedelta(minutes=9))
    assert requeue_stale_tasks(now=NOW) == 1
    killed.refresh_from_db()
    busy.refresh_from_db()
    assert (killed.status, killed.started_at) == (TaskResultStatus.READY, None)
    assert busy.status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.ready().filter(pk=killed.pk).exists()


@pytest.fixture
def database_queue(monkeypatch):
    """Tasks go through the database queue, as in production (the tests run them at once)."""
    monkeypatch.setattr(worker_status, "worker_expected", lambda: True)
    cache.delete(worker_status._CACHE_KEY)
    yield
    cache.delete(worker_status._CACHE_KEY)


def test_every_staff_page_says_when_no_worker_has_reported_in(alice, database_queue):
    _task_row(TaskResultStatus.READY, None)
    for path in ("/surveys/", "/inbox/", "/alerts/"):
        html = alice.client.get(path).content.decode()
        assert "The background worker is not running" in html
        assert "No worker has reported in yet" in html
        assert "1 background tasks" in html


def test_the_banner_goes_once_a_worker_reports_in_and_comes_back_when_it_stops(
    alice, database_queue, settings
):
    settings.EARFUL_WORKER_STALE_SECONDS = 120
    beat(worker_id="w1", started_at=timezone.now(), now=timezone.now())
    assert "worker is not running" not in alice.client.get("/surveys/").content.decode()
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    cache.delete(worker_status._CACHE_KEY)
    html = alice.client.get("/surveys/").content.decode()
    assert "worker is not running" in html
    assert "It last reported in 5" in html


def test_the_banner_is_not_on_public_pages(client, database_queue):
    assert "worker is not running" not in client.get("/login/").content.decode()


# ------------------------------------------------------------------ a real worker, a real lock


def _env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env.update(
        EARFUL_DATABASE_URL=f"sqlite:///{database}",
        EARFUL_DATA_DIR=str(database.parent),
        EARFUL_SECRET_KEY="test-worker-lock",
        EARFUL_LOG_LEVEL="INFO",
        DJANGO_SETTINGS_MODULE="earful.settings",
    )
    for name in ("EXPAND", "OUTREACH", "ENRICH", "WEBHOOK", "ALERT", "THEMES"):
        env[f"EARFUL_{name}_SWEEP_SECONDS"] = "0"
    return env


ENQUEUE = (
    "import django; django.setup(); "
    "from earful.alerts.tasks import evaluate_items; "
    "print(evaluate_items.enqueue(item_ids=[]).id)"
)


def _wait_for(condition, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _read(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(sql).fetchall()


def test_the_worker_keeps_going_after_a_write_lock_is_held_on_its_sqlite_database(tmp_path):
    database = tmp_path / "earful.sqlite3"
    env = _env(database)
    earful = str(Path(sys.executable).with_name("earful"))
    subprocess.run([earful, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [earful, "worker", "--no-reload", "--interval", "0.2", "--no-startup-delay"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert _wait_for(lambda: _read(database, "SELECT count(*) FROM core_workerheartbeat")[0][0])
        lock = sqlite3.connect(database, timeout=30, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")  # every other writer waits, then gives up
        time.sleep(8)  # longer than the 5 s busy timeout: the worker meets "database is locked"
        lock.execute("ROLLBACK")
        lock.close()
        assert worker.poll() is None  # still running
        queued = subprocess.run(
            [sys.executable, "-c", ENQUEUE], env=env, cwd=ROOT, check=True, capture_output=True
        )
        task_id = queued.stdout.decode().strip().replace("-", "")
        sql = f"SELECT status FROM django_tasks_database_dbtaskresult WHERE id = '{task_id}'"
        assert _wait_for(lambda: _read(database, sql) == [("SUCCESSFUL",)])
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    assert "database locked" in (tmp_path / "worker.log").read_text()
