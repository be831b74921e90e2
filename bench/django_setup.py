"""Starts Django for a benchmark on its own database (a SQLite file in `folder` by default)."""

from __future__ import annotations

import os
from pathlib import Path


def setup_django(database: str | None, folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "earful.settings"
    os.environ["EARFUL_DATABASE_URL"] = database or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["EARFUL_DATA_DIR"] = str(folder)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
