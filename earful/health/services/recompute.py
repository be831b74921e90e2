"""Recomputing health: only what changed or is due, in batches, durable.

What is recomputed (`refresh_health`, the nightly / on-change sweep of one organization):
- customers whose data changed since the last run's watermark: new events, feedback items
  received or analyzed, answers, invitations and messages (a margin of 10 minutes re-reads the
  edge, so a row committed late is not missed);
- customers marked dirty (a thank-you sent, a referral, a provider's change);
- customers whose score changes on its own by now (`due_at`: the day an order becomes late,
  a voice leaves the 180-day window, ...), and customers never scored.
A task (`refresh_health`) runs it on change; the worker's sweep runs it every
EARFUL_HEALTH_SWEEP_SECONDS; both are idempotent.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from earful.accounts.models import Organization
from earful.customers.models import Customer, CustomerEvent
from earful.feedback.models import FeedbackItem
from earful.health.models import CustomerHealth, HealthDay, HealthState
from earful.health.scoring import DEFAULT_WEIGHTS, Band, score_customer
from earful.health.services.gathering import Gathered, gather
from earful.outreach.models import Invitation, OutboundMessage
from earful.surveys.models import Response

BATCH = 2000
MARGIN = timedelta(minutes=10)
TREND_SPAN = timedelta(days=30)


@dataclass
class RecomputeReport:
    customers: int = 0
    changed: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return f"{self.customers} customers recomputed, {self.changed} scores changed"


def state_for(organization_id: int) -> HealthState:
    state, _ = HealthState.objects.get_or_create(organization_id=organization_id)
    return state


def weights_for(state: HealthState) -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **(state.weights or {})}


def _chunks(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _previous_scores(ids: list[int], now: datetime) -> dict[int, int]:
    """Each customer's score about 30 days ago (the last change on or before that day)."""
    cutoff = (now - TREND_SPAN).date()
    rows = (
        HealthDay.objects.filter(
            customer_id__in=ids, day__lte=cutoff, day__gt=cutoff - timedelta(days=120)
        )
        .order_by("customer_id", "day")
        .values_list("customer_id", "score")
    )
    return dict(rows)  # the last day per customer wins


def _row(org: int, customer_id: int, g: Gathered, now: datetime, weights: dict) -> CustomerHealth:
    result = score_customer(g.inputs, now=now, weights=weights)
    return CustomerHealth(
        organization_id=org,
        customer_id=customer_id,
        score=result.score,
        band=result.band,
        reasons=[[r.component, r.points, r.text] for r in result.reasons],
        computed_at=now,
        due_at=result.due_at,
        dirty=False,
        value_12m=g.inputs.value_12m,
        orders_12m=g.orders_12m,
        last_order_at=g.inputs.last_order_at,
        rhythm_days=result.rhythm_days,
        lateness=result.lateness,
        tier=g.inputs.tier,
        last_voice_id=g.last_voice_id,
        last_voice_mood=g.last_voice_mood,
        last_voice_at=g.last_voice_at,
        last_touch_at=g.inputs.last_touch_at,
        reviews=g.reviews,
        ideas=g.ideas,
        referred=g.referred,
        referred_bought=g.referred_bought,
        fan_points=g.orders_12m + 5 * g.referred_bought + 3 * g.reviews + 2 * g.ideas,
        created_at=now,
        updated_at=now,
    )


_FIELDS = [
    "score",
    "band",
    "trend",
    "reasons",
    "computed_at",
    "due_at",
    "dirty",
    "value_12m",
    "orders_12m",
    "last_order_at",
    "rhythm_days",
    "lateness",
    "tier",
    "last_voice",
    "last_voice_mood",
    "last_voice_at",
    "last_touch_at",
    "reviews",
    "ideas",
    "referred",
    "referred_bought",
    "fan_points",
    "updated_at",
]


def _recompute_batch(
    org: int, ids: list[int], now: datetime, weights: dict, scope: tuple[int, int] | None = None
) -> int:
    """Scores one batch, writes its rows and the day's history; returns the scores changed."""
    gathered = gather(organization_id=org, customer_ids=ids, now=now, scope=scope)
    stored = list(
        CustomerHealth.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "score", "band", "value_12m"
        )
    )
    before = {c: score for c, score, _, _ in stored}
    old_rows = [(band, value) for _, _, band, value in stored]
    month_ago = _previous_scores(ids, now)
    rows = [_row(org, customer_id, g, now, weights) for customer_id, g in gathered.items()]
    for row in rows:
        row.trend = row.score - month_ago.get(
            row.customer_id, before.get(row.customer_id, row.score)
        )
    days = [
        HealthDay(customer_id=r.customer_id, day=now.date(), score=r.score)
        for r in rows
        if before.get(r.customer_id) != r.score
    ]
    with transaction.atomic():
        CustomerHealth.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["customer"], update_fields=_FIELDS
        )
        HealthDay.objects.bulk_create(
            days, update_conflicts=True, unique_fields=["customer", "day"], update_fields=["score"]
        )
        _roll_forward(org, old_rows, [(r.band, r.value_12m) for r in rows])
    return len(days)


def _roll_forward(org: int, old: list[tuple[str, Decimal]], new: list[tuple[str, Decimal]]) -> None:
    """The organization's band counts and value at risk, moved by this batch's changes (the
    full recount in `_finish` corrects any drift)."""
    state = HealthState.objects.select_for_update().filter(organization_id=org).first()
    if state is None:
        return
    bands = dict(state.bands or {})
    value = state.value_at_risk
    for sign, rows in ((-1, old), (1, new)):
        for band, row_value in rows:
            bands[band] = bands.get(band, 0) + sign
            if band == Band.AT_RISK:
                value += sign * row_value
    HealthState.objects.filter(pk=state.pk).update(bands=bands, value_at_risk=value)


def roll_up(organization_id: int) -> None:
    """Recounts the band counts and the value at risk from the rows (one grouped query)."""
    rows = (
        CustomerHealth.objects.filter(organization_id=organization_id)
        .values("band")
        .annotate(n=Count("id"), value=Sum("value_12m"))
        .order_by()
    )
    bands = {r["band"]: r["n"] for r in rows}
    value = next((r["value"] for r in rows if r["band"] == Band.AT_RISK), None) or Decimal(0)
    HealthState.objects.filter(organization_id=organization_id).update(
        bands=bands, value_at_risk=value
    )


def recompute_customers(
    *, organization_id: int, customer_ids: Iterable[int], now: datetime | None = None
) -> RecomputeReport:
    """Recomputes these customers now (the on-change path). Idempotent."""
    now = now or timezone.now()
    started = time.perf_counter()
    ids = sorted(
        set(
            Customer.objects.filter(
                organization_id=organization_id, pk__in=list(customer_ids)
            ).values_list("pk", flat=True)
        )
    )
    state = state_for(organization_id)
    if state.last_run_at is None and not state.bands:
        roll_up(organization_id)  # the first numbers to move forward from
    weights = weights_for(state)
    report = RecomputeReport(customers=len(ids))
    for chunk in _chunks(ids):
        report.changed += _recompute_batch(organization_id, chunk, now, weights)
    report.seconds = time.perf_counter() - started
    return report


def recompute_all(*, organization_id: int, now: datetime | None = None) -> RecomputeReport:
    """Every customer of the organization, walked in id ranges (the first run, a new fit)."""
    now = now or timezone.now()
    started = time.perf_counter()
    state = state_for(organization_id)
    weights = weights_for(state)
    report = RecomputeReport()
    ids = list(
        Customer.objects.filter(organization_id=organization_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for chunk in _chunks(ids):
        scope = (chunk[0], chunk[-1] + 1)
        report.changed += _recompute_batch(organization_id, chunk, now, weights, scope)
        report.customers += len(chunk)
    report.seconds = time.perf_counter() - started
    _finish(state, now, report)
    return report


def changed_since(organization_id: int, since: datetime) -> set[int]:
    """Customers whose data changed since `since`, on every source health reads."""
    org = Q(organization_id=organization_id)
    found: set[int] = set()
    sources = (
        CustomerEvent.objects.filter(org, created_at__gte=since),
        FeedbackItem.objects.filter(org, customer_id__isnull=False).filter(
            Q(created_at__gte=since) | Q(analyzed_at__gte=since)
        ),
        Response.objects.filter(org, customer_id__isnull=False, submitted_at__gte=since),
        Invitation.objects.filter(org, updated_at__gte=since),
        OutboundMessage.objects.filter(org, updated_at__gte=since),
    )
    for rows in sources:
        found.update(rows.values_list("customer_id", flat=True).distinct().order_by())
    found.discard(None)  # type: ignore[arg-type]
    return found


def due_customers(organization_id: int, now: datetime) -> set[int]:
    """Marked dirty, due by time, or never scored."""
    scored = CustomerHealth.objects.filter(organization_id=organization_id)
    due = set(
        scored.filter(Q(dirty=True) | Q(due_at__lte=now)).values_list("customer_id", flat=True)
    )
    never = Customer.objects.filter(organization_id=organization_id, health__isnull=True)
    return due | set(never.values_list("pk", flat=True))


def refresh_health(*, organization_id: int, now: datetime | None = None) -> RecomputeReport:
    """What changed or is due since the last run, then the watermark moves to this run's start."""
    now = now or timezone.now()
    state = state_for(organization_id)
    if state.watermark is None:
        return recompute_all(organization_id=organization_id, now=now)
    ids = changed_since(organization_id, state.watermark - MARGIN) | due_customers(
        organization_id, now
    )
    report = recompute_customers(organization_id=organization_id, customer_ids=ids, now=now)
    _finish(state, now, report)
    return report


def _finish(state: HealthState, now: datetime, report: RecomputeReport) -> None:
    roll_up(state.organization_id)
    HealthState.objects.filter(pk=state.pk).update(
        watermark=now,
        last_run_at=timezone.now(),
        last_run_customers=report.customers,
        last_run_seconds=report.seconds,
    )


def mark_dirty(*, organization_id: int, customer_ids: Iterable[int]) -> int:
    """The next refresh recomputes them (a thank-you sent, a referral, a provider's change)."""
    return CustomerHealth.objects.filter(
        organization_id=organization_id, customer_id__in=list(customer_ids)
    ).update(dirty=True)


def sweep_health(*, now: datetime | None = None) -> RecomputeReport:
    """Every organization's refresh (the worker's periodic sweep, `earful health-sweep`)."""
    total = RecomputeReport()
    for organization_id in Organization.objects.values_list("pk", flat=True):
        report = refresh_health(organization_id=organization_id, now=now)
        total.customers += report.customers
        total.changed += report.changed
        total.seconds += report.seconds
    return total


def recompute_speakers(*, item_ids: Iterable[int], now: datetime | None = None) -> RecomputeReport:
    """The customers who said these feedback items (just analyzed), recomputed."""
    total = RecomputeReport()
    rows = FeedbackItem.objects.filter(pk__in=list(item_ids), customer_id__isnull=False)
    by_org: dict[int, set[int]] = {}
    for organization_id, customer_id in rows.values_list("organization_id", "customer_id"):
        by_org.setdefault(organization_id, set()).add(customer_id)
    for organization_id, ids in by_org.items():
        report = recompute_customers(organization_id=organization_id, customer_ids=ids, now=now)
        total.customers += report.customers
        total.changed += report.changed
    return total
