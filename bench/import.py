"""Benchmark: importing a large CSV of support tickets, then importing it again.

    .venv/bin/python bench/import.py [--rows 100000] [--small 10000] [--database URL]

It writes a CSV of `--rows` tickets in a temporary folder (id, subject, body, created_at,
requester email; the bodies are BANKING77 customer requests from
../shared/data/banking77_train.csv, the subject their category, one row in 1,000 with an empty
body so the rejection path runs too), creates a throwaway organization in a fresh SQLite
database in that folder, and runs `import_file` (what `earful import tickets` runs) on it:

  first import   every row is new (but the rejected ones)
  rerun          the same file again: 0 new, every row unchanged

Each is run twice in its own organization: once for the time (nothing else slows it down),
once under tracemalloc for the peak of Python's allocations during the import. `--small`
rows are imported the same way, to show that the peak does not grow with the file (the import
streams the file and writes 1,000 rows at a time). `ru_maxrss` is the process's largest
resident size so far (Django, the ORM and SQLite included), read after each timed run.

Enrichment is switched off: the receivers of `feedback_recorded` are disconnected, so the
import only writes items and nothing analyzes them (that is bench/enrichment.py).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_setup import setup_django  # noqa: E402


def write_tickets(path: Path, rows: int, seed: int = 5) -> None:
    """`rows` tickets with realistic texts, written row by row."""
    from earful.core import env

    shared = env.get_path("EARFUL_SHARED_DATA", ROOT.parent / "shared" / "data")
    with (shared / "banking77_train.csv").open(encoding="utf-8", newline="") as stream:
        requests = [(row["text"], row["category"]) for row in csv.DictReader(stream)]
    pick = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "subject", "body", "created_at", "requester_email"])
        for number in range(1, rows + 1):
            text, category = pick.choice(requests)
            if number % 1000 == 500:
                text = ""  # rejected: "text: empty"
            when = start + timedelta(seconds=pick.randrange(365 * 24 * 3600))
            email = f"customer{pick.randrange(20000)}@example.test" if number % 3 else ""
            writer.writerow(
                [f"T{number:07d}", category.replace("_", " "), text, when.isoformat(), email]
            )


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _import(organization: Any, path: Path, traced: bool) -> tuple[Any, float, float]:
    """(run, seconds, tracemalloc peak in MiB or 0)."""
    from earful.ingest.services.importing import import_file

    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    run = import_file(organization=organization, kind="tickets", source_name="csv", path=path)
    seconds = time.perf_counter() - started
    peak = 0.0
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / (1 << 20)
        tracemalloc.stop()
    if run.status != "done":
        raise SystemExit(f"import {run.pk} {run.status}: {run.error}")
    return run, seconds, peak


def run_file(name: str, path: Path, rows: int) -> list[tuple[str, ...]]:
    """First import and rerun of `path`: timed in one organization, traced in another."""
    from earful.accounts.services import create_organization

    timed_org, traced_org = (
        create_organization(
            name=f"{name} {what}", owner_email=f"{what}-{rows}@bench.test"
        ).organization
        for what in ("timed", "traced")
    )
    lines: list[tuple[str, ...]] = []
    for case in ("first import", "rerun"):
        run, seconds, _ = _import(timed_org, path, traced=False)
        rss = _rss_mib()
        _, _, peak = _import(traced_org, path, traced=True)
        lines.append(
            (
                name if case == "first import" else "",
                case,
                f"{run.rows_read:,}",
                f"{seconds:.2f}",
                f"{run.rows_read / seconds:,.0f}",
                f"{peak:.1f}",
                f"{rss:.0f}",
                f"{run.new:,}",
                f"{run.updated:,}",
                f"{run.unchanged:,}",
                f"{run.rejected:,}",
            )
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the large file")
    parser.add_argument(
        "--small", type=int, default=10_000, help="rows of the small file (0: none)"
    )
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="earful-bench-import-") as folder:
        setup_django(options.database, Path(folder))
        _run(options, Path(folder))


def _run(options: argparse.Namespace, folder: Path) -> None:
    from django.db import connection
    from rich.console import Console
    from rich.table import Table

    from earful.feedback.signals import feedback_recorded

    feedback_recorded.receivers = []  # no enrichment: the import only announces items
    sizes = [n for n in (options.small, options.rows) if n]
    files = {}
    for rows in sizes:
        files[rows] = folder / f"tickets-{rows}.csv"
        write_tickets(files[rows], rows)
    table = Table(title=f"Import of tickets from CSV (bench/import.py, {connection.vendor})")
    for column in (
        "file",
        "run",
        "rows",
        "seconds",
        "rows/s",
        "peak MiB (tracemalloc)",
        "ru_maxrss MiB",
        "new",
        "updated",
        "unchanged",
        "rejected",
    ):
        table.add_column(column, justify="left" if column in ("file", "run") else "right")
    rss_before = _rss_mib()
    for rows in sizes:
        size_mib = files[rows].stat().st_size / (1 << 20)
        for line in run_file(f"{size_mib:.1f} MiB", files[rows], rows):
            table.add_row(*line)
    console = Console(width=140)
    console.print(table)
    console.print(
        "Enrichment was off (feedback_recorded receivers disconnected): items were written, "
        "not analyzed. Peak MiB: Python allocations during the import alone (tracemalloc, a "
        "separate run in a fresh organization; the time comes from a run without it). "
        f"ru_maxrss: the whole process, {rss_before:.0f} MiB before the first import. "
        f"CPU cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()
