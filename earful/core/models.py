"""Abstract building blocks shared by every domain app."""

from __future__ import annotations

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OrgScoped(TimeStamped):
    """A row that belongs to exactly one organization. Queries always filter on it."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)

    class Meta:
        abstract = True


class RowIdField(models.BigAutoField):
    """A BigAutoField that SQLite numbers with the table's plain rowid, without AUTOINCREMENT:
    that keyword keeps the highest id ever given in `sqlite_sequence`, one more page written
    by every insert. For a queue whose rows are deleted once handled, where an id may come
    again after the newest row is gone. On other databases, a BigAutoField."""

    def db_type_suffix(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite":
            return None
        return connection.data_types_suffix.get(self.get_internal_type())


class WorkerHeartbeat(models.Model):
    """One row per `earful worker` process, touched by its loop (earful/core/worker.py): the
    pages show a banner when no worker has been seen for a while."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.hostname} (pid {self.pid})"


class RateCount(models.Model):
    """One fixed window's count of requests from one (hashed) client address or API token,
    shared by every process of the server (`core.ratelimit`). One row per scope and sender,
    counted again from 1 when a new window starts; rows idle for a while are deleted."""

    key = models.CharField(max_length=64, primary_key=True)  # "<scope>:<hash>"
    until = models.BigIntegerField()  # the window's end, in Unix seconds
    count = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.until}"
