"""Benchmark: exporting a survey's responses as CSV, streamed, against a raw SQL dump.

    .venv/bin/python bench/export.py [--rows 1000000] [--database URL]

It creates a throwaway organization with a published NPS survey (3 questions, comments) in a
fresh database (a SQLite file in a temporary folder, or --database), bulk-loads `--rows`
responses (bulk_create, 10,000 a batch; comments from ../shared/data's clothing reviews, one in
50 starting with "=" to exercise the formula guard), then writes:

  raw SQL + csv      one SELECT of the same columns, csv.writer over the tuples: the floor
  earful export      what `earful export responses` and the API stream (privacy.selectors)

Each is timed once, then run again over a tenth of the rows under tracemalloc to show that the
peak of Python's allocations does not grow with the rows (rows are read 2,000 at a time).
The file is read back with Python's csv module and its row count checked.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_setup import setup_django  # noqa: E402


def comments() -> list[str]:
    from earful.core import env

    shared = env.get_path("EARFUL_SHARED_DATA", ROOT.parent / "shared" / "data")
    with (shared / "womens_clothing_ecommerce_reviews.csv").open(encoding="utf-8") as stream:
        texts = [row.get("Review Text") or "" for row in csv.DictReader(stream)]
    return [t for t in texts if t][:5000]


def load(survey, rows: int) -> None:
    from earful.surveys.models import Response

    texts, pick = comments(), random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    batch = []
    for n in range(rows):
        score = pick.randint(0, 10)
        text = pick.choice(texts)
        if n % 50 == 0:
            text = "=" + text
        moment = start + timedelta(seconds=n * 30)
        given = {"nps": score, "nps_comment": text, "ease": pick.randint(1, 7), "plan": "Pro"}
        batch.append(
            Response(
                organization_id=survey.organization_id,
                survey=survey,
                idempotency_key=f"b{n}",
                submitted_at=moment,
                finished_at=moment,
                score=score,
                tier="highly_satisfied"
                if score >= 9
                else "satisfied"
                if score >= 7
                else "dissatisfied",
                answers_given=given,
                expanded_at=moment,
            )
        )
        if len(batch) == 10_000:
            Response.objects.bulk_create(batch)
            batch = []
    Response.objects.bulk_create(batch)


def raw_dump(survey, out: Path) -> int:
    from django.db import connection

    with connection.cursor() as cursor, out.open("w", newline="") as stream:
        cursor.execute(
            "SELECT uid, submitted_at, finished_at, channel, score, tier, answers_given, "
            "probe_trigger, probe_answer FROM surveys_response WHERE survey_id = %s ORDER BY id",
            [survey.pk],
        )
        writer, count = csv.writer(stream), 0
        while chunk := cursor.fetchmany(2000):
            writer.writerows(chunk)
            count += len(chunk)
    return count


def earful_export(survey, out: Path, after: int = 0) -> int:
    from earful.privacy.formats import lines
    from earful.privacy.selectors import ResponseFilters, response_export

    export = response_export(survey, ResponseFilters(after_id=after))
    count = -1  # the header
    with out.open("w", newline="") as stream:
        for line in lines("csv", export.columns, export.rows):
            stream.write(line)
            count += 1
    return count


def timed(function, *args):
    began = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - began


def peak(function, *args) -> float:
    tracemalloc.start()
    function(*args)
    top = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return top / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="earful-export-"))
    setup_django(args.database, folder)
    from django.db import connection

    from earful.accounts.services import create_organization
    from earful.surveys.models import Response
    from earful.surveys.tests.factories import make_survey

    organization = create_organization(
        name=f"Export bench {time.time_ns()}", owner_email=f"b{time.time_ns()}@bench.test"
    ).organization
    survey = make_survey(organization)
    _, loading = timed(load, survey, args.rows)
    out = folder / "responses.csv"
    raw_rows, raw_s = timed(raw_dump, survey, out)
    rows, export_s = timed(earful_export, survey, out)
    with out.open(newline="") as stream:
        read_back = sum(1 for _ in csv.DictReader(stream))
    tenth_after = (
        Response.objects.filter(survey=survey)
        .order_by("id")
        .values_list("id", flat=True)[args.rows - args.rows // 10]
    )
    small_peak = peak(earful_export, survey, folder / "small.csv", tenth_after)
    full_peak = peak(earful_export, survey, folder / "full.csv")
    print(f"{connection.vendor}: {args.rows:,} responses loaded in {loading:.0f} s\n")
    print(f"{'what':24} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'py peak MB':>11}")
    print(f"{'raw SQL + csv':24} {raw_rows:>10,} {raw_s:>8.1f} {raw_rows / raw_s:>9,.0f} {'':>11}")
    speed = rows / export_s
    print(f"{'earful export':24} {rows:>10,} {export_s:>8.1f} {speed:>9,.0f} {full_peak:>11.1f}")
    print(f"{'earful export (1/10)':24} {args.rows // 10:>10,} {'':>8} {'':>9} {small_peak:>11.1f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nread back with csv.DictReader: {read_back:,} rows; process max RSS {rss:.0f} MB")
    print(f"target: >= 50,000 rows/s, memory flat: {'met' if speed >= 50_000 else 'not met'}")


if __name__ == "__main__":
    main()
