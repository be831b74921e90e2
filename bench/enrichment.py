"""Benchmark: the full enrichment path, feedback items in the database -> enriched and saved.

    .venv/bin/python bench/enrichment.py [--short 2000] [--reviews 1000] [--database URL]

What it times is what the worker does: `enrich_pending` reads pending items from the database,
derives their score scales, runs `enrich_texts` (embedding, sentiment, hesitancy) BATCH items at
a time, and writes the results back (`bulk_update`). Two kinds of text:

  short texts   BANKING77 test requests (../shared/data/banking77_test.csv) as support tickets,
                about 12 words each
  reviews       clothing reviews (../shared/data/womens_clothing_ecommerce_reviews.csv) with
                their 1-5 star rating, about 60 words each

Also: the model's load time in a fresh process (torch import included), the share of the time
spent in the model, the process's CPU time per item (all its threads; less sensitive to other
processes than the wall time, though threads waiting for a busy core add to it), torch's
thread count and the machine's load average (other processes slow every number here down;
compare runs on the same, quiet machine). Target (issue 4):
>= 150 items/s for short texts on 2 CPU cores. A temporary SQLite file by default.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_setup import setup_django  # noqa: E402

TARGET_SHORT = 150.0

Row = tuple[str, str, str, str, str, str, str]


def _shared() -> Path:
    from earful.insights.text.training import shared_data_dir

    return shared_data_dir()


def short_texts(count: int) -> list[tuple[str, int | None]]:
    with (_shared() / "banking77_test.csv").open(encoding="utf-8", newline="") as stream:
        texts = [row["text"] for row in csv.DictReader(stream)]
    if count > len(texts):  # more than the test split holds: take the train split's too
        with (_shared() / "banking77_train.csv").open(encoding="utf-8", newline="") as stream:
            texts += [row["text"] for row in csv.DictReader(stream)]
    return [(text, None) for text in texts[:count]]


def reviews(count: int) -> list[tuple[str, int | None]]:
    from earful.insights.text.training import read_reviews

    return [(review.text, review.rating) for review in read_reviews()[:count]]


def model_load_seconds() -> float:
    """Import and load the model in a fresh process, as a worker does on its first task."""
    code = (
        "import time; t = time.perf_counter(); "
        "from earful.insights.text.embedding import embed; embed(['warm up']); "
        "print(time.perf_counter() - t)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def _timed_model() -> Callable[[], float]:
    """Wraps the model call the service makes; returns a reader of the seconds spent in it."""
    from earful.insights.services import enrichment

    real, spent = enrichment.enrich_texts, [0.0]

    def enrich_texts(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    enrichment.enrich_texts = enrich_texts  # type: ignore[assignment]
    return lambda: spent[0]


def run_case(name: str, rows: list[tuple[str, int | None]], channel: str, scale: str) -> Row:
    from django.utils import timezone

    from earful.accounts.services import create_organization
    from earful.feedback.models import FeedbackItem
    from earful.insights.services.enrichment import enrich_pending

    organization = create_organization(name=name, owner_email=f"{channel}@bench.test").organization
    now = timezone.now()
    FeedbackItem.objects.bulk_create(
        [
            FeedbackItem(
                organization=organization,
                channel=channel,
                source_key=f"bench:{i}",
                text=text,
                score=score,
                score_scale=scale if score is not None else "",
                received_at=now,
            )
            for i, (text, score) in enumerate(rows)
        ],
        batch_size=500,
    )
    in_model = _timed_model()
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    report = enrich_pending(organization=organization)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if report.analyzed != len(rows):
        raise SystemExit(f"{name}: analyzed {report.analyzed} of {len(rows)} ({report})")
    words = sum(len(text.split()) for text, _ in rows) / len(rows)
    return (
        name,
        f"{len(rows):,} (~{words:.0f} words)",
        f"{seconds:.1f} s",
        f"{len(rows) / seconds:.0f}",
        f"{100 * in_model() / seconds:.0f}%",
        f"{1000 * cpu / len(rows):.1f}",
        f"{load:.1f}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", type=int, default=2000, help="BANKING77 texts (>= 2,000)")
    parser.add_argument("--reviews", type=int, default=1000, help="clothing reviews")
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--threads", type=int, default=0, help="torch CPU threads (EARFUL_TEXT_THREADS; 0: torch's)"
    )
    options = parser.parse_args()
    os.environ["EARFUL_TEXT_THREADS"] = str(options.threads)
    with tempfile.TemporaryDirectory(prefix="earful-bench-enrichment-") as folder:
        setup_django(options.database, Path(folder))
        _run(options)


def _run(options: argparse.Namespace) -> None:
    import torch
    from rich.console import Console
    from rich.table import Table

    from earful.insights.text.embedding import model

    load_seconds = model_load_seconds()
    model()  # this process's copy, loaded before the clock starts
    table = Table(title="Enrichment, database to database (bench/enrichment.py)")
    columns = ("texts", "items", "time", "items/s", "in the model", "CPU ms/item", "load avg")
    for column in columns:
        table.add_column(column)
    if options.short:
        rows = short_texts(options.short)
        table.add_row(*run_case("short texts (BANKING77, tickets)", rows, "ticket", ""))
    if options.reviews:
        rows = reviews(options.reviews)
        table.add_row(*run_case("reviews (clothing, 1-5 stars)", rows, "review", "1-5"))
    console = Console(width=120)
    console.print(table)
    console.print(
        f"model load in a fresh process: {load_seconds:.1f} s; torch threads: "
        f"{torch.get_num_threads()} (OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '')}); "
        f"CPU cores: {os.cpu_count()}; "
        f"target: >= {TARGET_SHORT:.0f} items/s for short texts on 2 cores"
    )


if __name__ == "__main__":
    main()
