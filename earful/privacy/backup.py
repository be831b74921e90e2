"""Backups of the whole database: SQLite's online backup, pg_dump on PostgreSQL.

Restore drill: docs/self-hosting/backup.md."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    pass


def _pg_url() -> str:
    settings = connection.settings_dict
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{host}:{port}/{settings['NAME']}"


def _need(program: str) -> str:
    found = shutil.which(program)
    if not found:
        raise BackupError(f"{program} is not installed (apt-get install postgresql-client)")
    return found


def copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while others write to `source`."""
    reading, writing = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with writing:
            reading.backup(writing)
    finally:
        writing.close()
        reading.close()


def _sqlite_path() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("an in-memory database has nothing to back up")
    return Path(name)


def backup_database(out: Path) -> str:
    """Writes a consistent copy of the database to `out` while Earful keeps running."""
    if connection.vendor == "sqlite":
        copy_sqlite(_sqlite_path(), out)
        return "sqlite online backup"
    if connection.vendor == "postgresql":
        command = [_need("pg_dump"), "--format=custom", "--no-owner", "-f", str(out), _pg_url()]
        subprocess.run(command, check=True, capture_output=True)
        return "pg_dump (custom format)"
    raise BackupError(f"no backup for the {connection.vendor} database")


def check_backup(path: Path) -> None:
    """Refuses a file that is not a readable backup of this database kind."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    if connection.vendor == "sqlite":
        check_sqlite_backup(path)


def check_sqlite_backup(path: Path) -> None:
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path}: SQLite's integrity check failed")
            copy.execute("SELECT count(*) FROM django_migrations").fetchone()
        finally:
            copy.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not an Earful SQLite backup ({exc})") from exc


def restore_database(path: Path) -> str:
    """Replaces the database's contents with the backup's. Stop the server and workers first."""
    check_backup(path)
    if connection.vendor == "sqlite":
        target = _sqlite_path()
        connection.close()
        copy_sqlite(path, target)
        return "sqlite restored"
    command = [
        _need("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "-d",
        _pg_url(),
        str(path),
    ]
    connection.close()
    subprocess.run(command, check=True, capture_output=True)
    return "pg_restore done"
