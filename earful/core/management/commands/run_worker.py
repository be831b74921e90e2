"""`earful worker`: django_tasks_db's `db_worker` with Earful's loop (earful/core/worker.py):
transient database errors are retried with a backoff, the worker reports a heartbeat, and task
rows left running past their lease are run again. The options are db_worker's."""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from earful.core.worker import Worker


class Command(DbWorkerCommand):
    help = "Run the background worker (tasks and periodic sweeps), resilient to a busy database"

    def handle(self, *, verbosity: int, reload: bool, batch: bool, **options: Any) -> None:
        self.configure_logging(verbosity)
        exclude = options.pop("exclude_queues")
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=exclude.split(",") if exclude else [],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
            return
        worker.configure_signals()
        worker.run()
