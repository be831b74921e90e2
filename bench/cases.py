"""The case queue page and the numbers API, warm, on a large organization; prints a table.

    .venv/bin/python bench/cases.py                       # SQLite file under data/bench-cases
    .venv/bin/python bench/cases.py --database postgres://postgres@127.0.0.1:5432/h16_bench
    .venv/bin/python bench/cases.py --cases 20000 --commitments 10000   # scaled down

Loads `--cases` cases over the last year (2% open, some waiting, the rest resolved or closed,
first-response and resolution minutes spread as real queues are) and `--commitments`
commitments with outcomes, in bulk INSERTs of 2,000 rows, into a fresh organization; then asks
each URL once to warm up and `--runs` times more, through Django's test client (the whole
middleware stack, the session or the bearer token), and prints the median and the worst.
Target: < 200 ms warm. The machine is shared: numbers move with the neighbours' load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import setup_django

BATCH = 2000


def load(cases: int, commitments: int) -> tuple[object, str]:
    from django.test import Client
    from django.utils import timezone

    from earful.accounts.models import Member
    from earful.accounts.services import add_member, create_api_token, create_organization
    from earful.cases.models import Case, Commitment
    from earful.customers.models import Customer

    rng, now = Random(7), timezone.now()
    made = create_organization(
        name=f"Bench {time.time():.0f}", owner_email=f"o{time.time_ns()}@b.test"
    )
    org, owner = made.organization, made.owner
    agents = [owner] + [
        add_member(organization=org, email=f"a{i}.{time.time_ns()}@b.test", role="agent")[0]
        for i in range(9)
    ]
    customers = Customer.objects.bulk_create(
        (
            Customer(organization=org, external_id=f"c{i}", timezone="America/New_York")
            for i in range(max(cases // 5, 1))
        ),
        batch_size=BATCH,
    )
    started = time.perf_counter()
    rows = []
    for i in range(cases):
        opened = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        fresh = i < cases * 0.02
        if fresh:
            opened = now - timedelta(minutes=rng.randint(0, 5 * 24 * 60))
        response = int(rng.lognormvariate(4.5, 1.0))
        resolution = response + int(rng.lognormvariate(7.0, 0.8))
        status = rng.choice(("new", "in_progress", "waiting_on_customer")) if fresh else "closed"
        rows.append(
            Case(
                organization=org,
                subject_key=f"customer:{customers[i % len(customers)].pk}:{i}",
                customer=customers[i % len(customers)],
                cause="detractor",
                title=f"Detractor {i}",
                owner=agents[i % len(agents)],
                priority=rng.choice(("urgent", "high", "normal", "normal", "low")),
                status=status,
                opened_at=opened,
                respond_by=opened + timedelta(hours=4),
                resolve_by=opened + timedelta(hours=16),
                first_response_at=None if status == "new" else opened + timedelta(minutes=response),
                first_response_minutes=None if status == "new" else response,
                responded_in_target=None if status == "new" else response <= 240,
                resolved_at=None if fresh else opened + timedelta(minutes=resolution),
                resolution_minutes=None if fresh else resolution,
                resolved_in_target=None if fresh else resolution <= 960,
                reopened_count=int(rng.random() < 0.04),
            )
        )
        if len(rows) == BATCH:
            Case.objects.bulk_create(rows)
            rows = []
    Case.objects.bulk_create(rows)
    outcomes = ("kept", "kept", "kept", "kept_early", "missed", "")
    Commitment.objects.bulk_create(
        (
            Commitment(
                organization=org,
                customer=customers[i % len(customers)],
                what="Call back",
                owner=agents[i % len(agents)],
                due_at=(due := now + timedelta(minutes=rng.randint(-365 * 24 * 60, 3 * 24 * 60))),
                timezone="America/New_York",
                reminder_at=due - timedelta(hours=1),
                outcome="" if due > now else rng.choice(outcomes),
            )
            for i in range(commitments)
        ),
        batch_size=BATCH,
    )
    print(
        f"loaded {cases} cases, {commitments} commitments in {time.perf_counter() - started:.1f} s"
    )
    page = Client()
    page.force_login(Member.objects.get(pk=owner.pk).user)
    api = Client(
        headers={"Authorization": f"Bearer {create_api_token(member=owner, name='b').raw}"}
    )
    return (page, api), org.name


def measure(client, url: str, runs: int) -> tuple[float, float, float]:
    """Median and worst wall time, and the median CPU time of this process (on SQLite that is
    nearly all the work; on PostgreSQL the server's share is not in it), in ms."""
    assert client.get(url).status_code == 200, url
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        answer = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert answer.status_code == 200
    return statistics.median(times), max(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--commitments", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    folder = Path(__file__).resolve().parent.parent / "data" / "bench-cases"
    folder.mkdir(parents=True, exist_ok=True)
    database = args.database or f"sqlite:///{tempfile.mkdtemp(dir=folder)}/bench.sqlite3"
    setup_django(database, folder)
    from django.conf import settings
    from django.db import connection

    # No collectstatic for a benchmark: plain static URLs instead of the manifest's.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    (page, api), _ = load(args.cases, args.commitments)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    urls = [
        ("queue page (team)", page, "/cases/"),
        ("queue page (breaching)", page, "/cases/?view=breaching"),
        ("queue page (mine)", page, "/cases/?view=mine"),
        ("commitments page", page, "/cases/commitments/"),
        ("numbers API (90 days)", api, "/api/v1/cases/numbers"),
        ("numbers API (365 days)", api, "/api/v1/cases/numbers?since=2000-01-01T00:00Z"),
        ("numbers page (90 days)", page, "/cases/numbers/"),
        ("queue API", api, "/api/v1/cases"),
    ]
    print(f"\n{connection.vendor}, {args.cases} cases, {args.commitments} commitments, warm")
    print(f"{'what':<26}{'median ms':>10}{'worst ms':>10}{'cpu ms':>8}  target")
    for name, client, url in urls:
        median, worst, cpu = measure(client, url, args.runs)
        flag = "ok" if median < 200 else "OVER"
        print(f"{name:<26}{median:>10.1f}{worst:>10.1f}{cpu:>8.1f}  < 200 {flag}")


if __name__ == "__main__":
    main()
