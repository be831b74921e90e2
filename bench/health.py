"""Customer health on a synthetic history with a planted truth, in one table.

    .venv/bin/python bench/health.py [--customers 20000] [--database URL]

The history: each customer orders on a rhythm of their own (7-60 days) for about 20 orders.
The planted truth: a third of them leave at a random moment of the last 200 days; in the 60
days before leaving, their orders slow down, and they are more likely to answer "fine" with a
hesitant comment, to slip a tier, and to leave invitations unanswered. Others show the same
signals now and then, less often (noise). Nothing in the score knows who was planted.

Measured: the AUC of the default score (as of 90 days ago, against "ordered nothing since"),
the fitted weights' backtest (services/fitting.py), the full recompute (every customer), the
incremental refresh (nothing changed; then 1% changed), and each list warm. The target
(1,000,000 customers and 20,000,000 events in < 10 minutes) is extrapolated linearly from the
measured scale: an extrapolation, not a measurement.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import setup_django

NOW = datetime.now(tz=UTC).replace(microsecond=0)  # the real clock: rows are stamped with it


def _plant(org, n: int, seed: int = 7) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from earful.customers.models import Customer, CustomerEvent
    from earful.feedback.models import FeedbackItem
    from earful.outreach.models import Invitation
    from earful.surveys.models import Response, Survey

    rng = random.Random(seed)
    survey = Survey.objects.create(organization=org, title="How are we doing?")
    Customer.objects.bulk_create(
        (Customer(organization=org, external_id=f"c{k}", email=f"c{k}@x.test") for k in range(n)),
        batch_size=5000,
    )
    ids = list(
        Customer.objects.filter(organization=org).order_by("pk").values_list("pk", flat=True)
    )
    events, items, responses, invitations = [], [], [], []
    total = 0

    def flush(final: bool = False) -> None:
        nonlocal events, items, responses, invitations, total
        if len(events) >= 50000 or final:
            CustomerEvent.objects.bulk_create(events, batch_size=5000)
            FeedbackItem.objects.bulk_create(items, batch_size=5000)
            Response.objects.bulk_create(responses, batch_size=5000)
            Invitation.objects.bulk_create(invitations, batch_size=5000)
            total += len(events)
            events, items, responses, invitations = [], [], [], []

    for k, cid in enumerate(ids):
        rhythm = rng.uniform(7, 60)
        leaves = rng.random() < 1 / 3
        stop = NOW - timedelta(days=rng.uniform(10, 200)) if leaves else NOW
        at = NOW - timedelta(days=rhythm * rng.uniform(18, 22))
        n_orders = 0
        while at < stop:
            slowing = leaves and at > stop - timedelta(days=60)
            events.append(
                CustomerEvent(
                    organization=org,
                    customer_id=cid,
                    name="order",
                    type="purchase",
                    amount=Decimal(rng.randint(10, 300)),
                    order_id=f"{k}-{n_orders}",
                    occurred_at=at,
                )
            )
            n_orders += 1
            at += timedelta(days=rhythm * rng.uniform(0.7, 1.3) * (2.2 if slowing else 1))
        signal_at = min(stop, NOW) - timedelta(days=rng.uniform(5, 50))
        p = 0.55 if leaves else 0.15
        if rng.random() < 0.6:
            hesitant = rng.random() < p
            negative = rng.random() < p / 2
            items.append(
                FeedbackItem(
                    organization=org,
                    channel="survey",
                    source_key=f"fb{k}",
                    customer_id=cid,
                    text="It's fine, I guess" if hesitant else "Works well",
                    received_at=signal_at,
                    analyzed_at=signal_at,
                    sentiment="negative" if negative else "neutral" if hesitant else "positive",
                    sentiment_score=-0.7 if negative else 0.0 if hesitant else 0.7,
                    hesitant=hesitant,
                )
            )
            slip = rng.random() < p
            for rank, tier in enumerate(
                ("highly_satisfied", "satisfied" if slip else "highly_satisfied")
            ):
                responses.append(
                    Response(
                        organization=org,
                        survey=survey,
                        customer_id=cid,
                        idempotency_key=f"r{k}-{rank}",
                        tier=tier,
                        score=9 - rank * slip * 2,
                        submitted_at=signal_at - timedelta(days=90 * (1 - rank)),
                    )
                )
        if rng.random() < 0.5:
            for j in range(2):
                answered = rng.random() > p
                sent = signal_at - timedelta(days=30 * j)
                invitations.append(
                    Invitation(
                        organization=org,
                        survey=survey,
                        customer_id=cid,
                        status="sent",
                        token=f"t{k}-{j}",
                        sent_at=sent,
                        answered_at=sent + timedelta(days=1) if answered else None,
                    )
                )
        flush()
    flush(final=True)
    return len(ids), total


def _timed(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--database", default=None, help="e.g. postgres://.../h19_bench")
    parser.add_argument("--profile", action="store_true", help="profile the full recompute")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="earful-health-bench-"))
    setup_django(args.database, folder)

    import numpy as np
    from django.db import connection
    from django.db.models import F
    from rich.console import Console
    from rich.table import Table

    from earful.accounts.services import create_organization
    from earful.customers.models import CustomerEvent
    from earful.feedback.models import FeedbackItem
    from earful.health import selectors
    from earful.health.models import HealthState
    from earful.health.scoring import DEFAULT_WEIGHTS
    from earful.health.services import fitting, recompute
    from earful.outreach.models import Invitation

    org = create_organization(
        name=f"Bench {time.time_ns()}", owner_email=f"b{time.time_ns()}@x.test"
    ).organization
    started = time.perf_counter()
    customers, events = _plant(org, args.customers)
    planted_s = time.perf_counter() - started

    test = fitting.labelled_at(org.pk, NOW - fitting.HORIZON, limit=10**9)
    auc_default = fitting.auc(-fitting.health_scores(test.points, DEFAULT_WEIGHTS), test.churned)
    fit = fitting.fit_weights(organization_id=org.pk, now=NOW)

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    full = recompute.recompute_all(organization_id=org.pk, now=NOW)
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    # The history was written after its own "now" (NOW is taken before writing it): its rows
    # are dated an hour back and the watermark moves to the real clock, as a run after the
    # writes would have left them (else the 10-minute margin re-reads the whole history).
    hour = timedelta(hours=1)
    CustomerEvent.objects.filter(organization=org).update(created_at=F("created_at") - hour)
    FeedbackItem.objects.filter(organization=org).update(created_at=F("created_at") - hour)
    Invitation.objects.filter(organization=org).update(updated_at=F("updated_at") - hour)
    HealthState.objects.filter(organization=org).update(watermark=datetime.now(tz=UTC))
    later = datetime.now(tz=UTC)
    idle = recompute.refresh_health(organization_id=org.pk, now=later)
    touched = list(
        CustomerEvent.objects.filter(organization=org)
        .values_list("customer_id", flat=True)
        .distinct()[: customers // 100]
    )
    CustomerEvent.objects.bulk_create(
        CustomerEvent(
            organization=org,
            customer_id=c,
            name="order",
            type="purchase",
            amount=Decimal(20),
            occurred_at=later,
        )
        for c in touched
    )
    some = recompute.refresh_health(organization_id=org.pk, now=datetime.now(tz=UTC))

    CustomerEvent.objects.filter(organization=org).update(created_at=F("created_at") - hour)
    HealthState.objects.filter(organization=org).update(watermark=datetime.now(tz=UTC))
    next_day = recompute.refresh_health(
        organization_id=org.pk, now=datetime.now(tz=UTC) + timedelta(days=1)
    )
    per_customer = full.seconds / customers
    million = per_customer * 1_000_000  # linear in customers (about 20 events each here too)
    due_share = next_day.customers / customers
    nightly = next_day.seconds / customers * 1_000_000
    lists = {
        "overview": lambda: selectors.overview(org),
        "lowest scores (50)": lambda: selectors.list_by_score(org),
        "said fine, then left (50)": lambda: selectors.said_fine_then_left(org),
        "indifference radar (50, budget checked)": lambda: selectors.indifference_radar(
            org, now=later
        ),
        "superfans (50)": lambda: selectors.superfans(org),
        "accounts": lambda: selectors.accounts_health(org),
    }
    vendor = connection.vendor
    table = Table(title=f"Customer health on a planted history ({vendor})")
    for column in ("metric", "value", "target"):
        table.add_column(column)
    table.add_row("customers / events", f"{customers:,} / {events:,}", "")
    table.add_row("history written in", f"{planted_s:.0f} s", "")
    table.add_row(
        "planted leavers (test cutoff)", f"{int(test.churned.sum()):,} of {len(test.churned):,}", ""
    )
    table.add_row("AUC, default weights", f"{auc_default:.3f}", "> 0.75")
    table.add_row(
        "AUC, fitted weights (backtest)", str(fit.get("auc_fitted")), f"used: {fit['used']}"
    )
    table.add_row(
        "fitted weights", ", ".join(f"{k} {v}" for k, v in (fit.get("weights") or {}).items()), ""
    )
    table.add_section()
    table.add_row(
        "full recompute", f"{full.seconds:.1f} s ({customers / full.seconds:,.0f} customers/s)", ""
    )
    table.add_row(
        "1,000,000 customers, 20,000,000 events (extrapolated)",
        f"{million / 60:.1f} min",
        "< 10 min",
    )
    table.add_row(
        "refresh, nothing changed", f"{idle.seconds * 1000:.0f} ms ({idle.customers} customers)", ""
    )
    table.add_row("refresh, 1% changed", f"{some.seconds:.2f} s ({some.customers} customers)", "")
    table.add_row(
        "nightly refresh a day later (changed or due)",
        f"{next_day.seconds:.1f} s ({due_share:.1%} of customers)",
        "",
    )
    table.add_row(
        "nightly refresh, 1,000,000 customers (extrapolated)", f"{nightly / 60:.1f} min", "< 10 min"
    )
    table.add_section()
    for name, fn in lists.items():
        ms = _timed(fn)
        table.add_row(f"list: {name}, warm", f"{ms:.0f} ms", "< 200 ms")
    Console(width=130).print(table)
    print("calibration (band then, customers, left within 90 days):", fit.get("calibration"))
    _ = np


if __name__ == "__main__":
    main()
