"""The restore drill on SQLite files: back up, change, restore, find the backed-up state."""

from __future__ import annotations

import sqlite3

import pytest

from earful.privacy.backup import BackupError, check_sqlite_backup, copy_sqlite


def make_database(path, rows):
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS django_migrations (id INTEGER PRIMARY KEY)")
        db.execute("CREATE TABLE IF NOT EXISTS answers (score INTEGER)")
        db.executemany("INSERT INTO answers VALUES (?)", [(r,) for r in rows])
    db.close()


def scores(path):
    db = sqlite3.connect(path)
    try:
        return [r[0] for r in db.execute("SELECT score FROM answers ORDER BY rowid")]
    finally:
        db.close()


def test_a_backup_restored_brings_back_the_state_it_copied(tmp_path):
    live, backup = tmp_path / "earful.sqlite3", tmp_path / "backup.db"
    make_database(live, [9, 10])
    copy_sqlite(live, backup)
    make_database(live, [0])  # written after the backup
    check_sqlite_backup(backup)
    copy_sqlite(backup, live)
    assert scores(live) == [9, 10]


def test_a_file_that_is_not_a_backup_is_refused_before_anything_is_replaced(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="not an Earful SQLite backup"):
        check_sqlite_backup(junk)
