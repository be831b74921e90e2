"""The numbers to improve, read with SQL aggregates (never a row per case in Python): the
kept-promise and exceeded rates, first-response and resolution times (median and p90, in
business minutes, nearest rank), the share inside target, the reopened rate, per owner and for
the team over a period; the weekly series for the chart; and what detractors who got a case
said next time against those who did not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from earful.accounts.models import Member, Organization
from earful.cases.models import Case, Cause, Commitment, Outcome
from earful.surveys.models import Response
from earful.surveys.scoring import Tier

CAVEAT = (
    "Not an experiment: who got a case was decided by rules and people, not by chance, and only "
    "customers who answered again have a next answer. Read it as a hint, not as proof, and not "
    "at all when the counts are small."
)


@dataclass
class OwnerNumbers:
    owner_id: int | None  # None: the whole team
    owner: str
    cases: int = 0
    responded: int = 0
    resolved: int = 0
    responded_in_target: int = 0
    resolved_in_target: int = 0
    reopened: int = 0
    first_response_median: int | None = None
    first_response_p90: int | None = None
    resolution_median: int | None = None
    resolution_p90: int | None = None
    commitments_decided: int = 0
    kept: int = 0
    kept_early: int = 0
    missed: int = 0
    commitments_open: int = 0

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def kept_rate(self) -> float | None:
        """Kept, early or on time, of the commitments with an outcome (percent)."""
        return self._share(self.kept + self.kept_early, self.commitments_decided)

    @property
    def exceeded_rate(self) -> float | None:
        return self._share(self.kept_early, self.commitments_decided)

    @property
    def inside_target(self) -> float | None:
        """Resolved cases resolved inside their target (percent)."""
        return self._share(self.resolved_in_target, self.resolved)

    @property
    def response_inside_target(self) -> float | None:
        return self._share(self.responded_in_target, self.responded)

    @property
    def reopened_rate(self) -> float | None:
        return self._share(self.reopened, self.resolved)


@dataclass
class FollowUp:
    """Detractors' next answer, with a case or without: tier -> count."""

    with_case: dict[str, int] = field(default_factory=dict)
    without_case: dict[str, int] = field(default_factory=dict)
    caveat: str = CAVEAT

    @staticmethod
    def _up(counts: dict[str, int]) -> float | None:
        total = sum(counts.values())
        better = counts.get(Tier.SATISFIED, 0) + counts.get(Tier.HIGHLY_SATISFIED, 0)
        return round(100 * better / total, 1) if total else None

    @property
    def with_case_moved_up(self) -> float | None:
        return self._up(self.with_case)

    @property
    def without_case_moved_up(self) -> float | None:
        return self._up(self.without_case)


@dataclass
class Numbers:
    since: datetime
    until: datetime
    team: OwnerNumbers
    owners: list[OwnerNumbers]
    weeks: list[tuple[datetime, int, int, int]]  # week, opened, resolved, resolved in target
    follow_up: FollowUp


def _percentiles(
    organization_id: int, column: str, since: datetime, until: datetime
) -> dict[int | None, tuple[int, int]]:
    """Median and p90 (nearest rank) of `column` per owner and for the team (key None):
    one statement with window functions (SQLite 3.25+ and PostgreSQL)."""
    assert column in ("first_response_minutes", "resolution_minutes")
    table = Case._meta.db_table
    sql = f"""
        SELECT owner_key, rn, n, value FROM (
            SELECT COALESCE(owner_id, 0) AS owner_key, {column} AS value,
                   ROW_NUMBER() OVER (PARTITION BY COALESCE(owner_id, 0) ORDER BY {column}) AS rn,
                   COUNT(*) OVER (PARTITION BY COALESCE(owner_id, 0)) AS n
            FROM {table}
            WHERE organization_id = %s AND opened_at >= %s AND opened_at < %s
              AND {column} IS NOT NULL
            UNION ALL
            SELECT -1 AS owner_key, {column} AS value,
                   ROW_NUMBER() OVER (ORDER BY {column}) AS rn,
                   COUNT(*) OVER () AS n
            FROM {table}
            WHERE organization_id = %s AND opened_at >= %s AND opened_at < %s
              AND {column} IS NOT NULL
        ) ranked
        WHERE rn = (n + 1) / 2 OR rn = (9 * n + 9) / 10
    """
    params: list[Any] = [organization_id, since, until] * 2
    found: dict[int | None, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for owner_key, rn, n, value in cursor.fetchall():
            key = None if owner_key == -1 else (owner_key or 0)
            slot = found.setdefault(key, {})
            if rn == (n + 1) // 2:
                slot["median"] = value
            if rn == (9 * n + 9) // 10:
                slot["p90"] = value
    return {k: (v.get("median", 0), v.get("p90", 0)) for k, v in found.items()}


def case_numbers(
    organization: Organization,
    *,
    since: datetime,
    until: datetime,
    owner: Member | None = None,
    weeks: bool = True,
) -> Numbers:
    """Cases opened and commitments due in [since, until). About eight queries."""
    cases = Case.objects.filter(
        organization=organization, opened_at__gte=since, opened_at__lt=until
    )
    counts = {
        "cases": Count("id"),
        "responded": Count("id", filter=Q(first_response_at__isnull=False)),
        "resolved": Count("id", filter=Q(resolved_at__isnull=False)),
        "responded_in_target": Count("id", filter=Q(responded_in_target=True)),
        "resolved_in_target": Count("id", filter=Q(resolved_in_target=True)),
        "reopened": Count("id", filter=Q(reopened_count__gt=0)),
    }
    commitments = Commitment.objects.filter(
        organization=organization, due_at__gte=since, due_at__lt=until
    )
    kept_counts = {
        "commitments_decided": Count("id", filter=~Q(outcome="")),
        "kept": Count("id", filter=Q(outcome=Outcome.KEPT)),
        "kept_early": Count("id", filter=Q(outcome=Outcome.KEPT_EARLY)),
        "missed": Count("id", filter=Q(outcome=Outcome.MISSED)),
        "commitments_open": Count("id", filter=Q(outcome="")),
    }
    team = OwnerNumbers(None, "Whole team", **cases.aggregate(**counts))
    for name, value in commitments.aggregate(**kept_counts).items():
        setattr(team, name, value)
    per_owner: dict[int, OwnerNumbers] = {}
    for row in cases.values("owner_id", "owner__user__email").annotate(**counts).order_by():
        key = row.pop("owner_id") or 0
        email = row.pop("owner__user__email") or "nobody"
        per_owner[key] = OwnerNumbers(key, email, **row)
    for row in (
        commitments.values("owner_id", "owner__user__email").annotate(**kept_counts).order_by()
    ):
        key = row.pop("owner_id")
        email = row.pop("owner__user__email")
        numbers = per_owner.setdefault(key, OwnerNumbers(key, email))
        for name, value in row.items():
            setattr(numbers, name, value)
    for column, prefix in (
        ("first_response_minutes", "first_response"),
        ("resolution_minutes", "resolution"),
    ):
        for key, (median, p90) in _percentiles(organization.pk, column, since, until).items():
            target = team if key is None else per_owner.get(key)
            if target is not None:
                setattr(target, f"{prefix}_median", median)
                setattr(target, f"{prefix}_p90", p90)
    owners = sorted(per_owner.values(), key=lambda o: o.owner)
    if owner is not None:
        owners = [o for o in owners if o.owner_id == owner.pk]
    return Numbers(
        since,
        until,
        team,
        owners,
        _weeks(cases, since, until) if weeks else [],
        detractor_follow_up(organization, since, until),
    )


def _weeks(cases, since: datetime, until: datetime) -> list[tuple[datetime, int, int, int]]:  # type: ignore[no-untyped-def]
    """Per week (4 weeks a bucket past half a year): opened, resolved, resolved in target. One
    scan with a filtered count per bucket: no per-row date function (SQLite's is Python)."""
    step = timedelta(weeks=1 if until - since <= timedelta(weeks=26) else 4)
    edges = []
    start = since
    while start < until:
        edges.append((start, min(start + step, until)))
        start += step
    counts = {}
    for n, (lo, hi) in enumerate(edges):
        span = Q(opened_at__gte=lo, opened_at__lt=hi)
        counts[f"o{n}"] = Count("id", filter=span)
        counts[f"r{n}"] = Count("id", filter=span & Q(resolved_at__isnull=False))
        counts[f"i{n}"] = Count("id", filter=span & Q(resolved_in_target=True))
    found = cases.aggregate(**counts) if counts else {}
    return [(lo, found[f"o{n}"], found[f"r{n}"], found[f"i{n}"]) for n, (lo, _) in enumerate(edges)]


def detractor_follow_up(organization: Organization, since: datetime, until: datetime) -> FollowUp:
    """Identified detractor answers in the period: the tier of the same customer's next answer,
    for those who got a detractor case after it and those who did not. One query."""
    detractors = Response.objects.filter(
        organization=organization,
        tier=Tier.DISSATISFIED,
        customer__isnull=False,
        submitted_at__gte=since,
        submitted_at__lt=until,
    )
    got_case = Case.objects.filter(
        organization=organization,
        customer_id=OuterRef("customer_id"),
        cause=Cause.DETRACTOR,
        opened_at__gte=OuterRef("submitted_at"),
    )
    next_tier = (
        Response.objects.filter(
            organization=organization,
            customer_id=OuterRef("customer_id"),
            submitted_at__gt=OuterRef("submitted_at"),
        )
        .exclude(tier="")
        .order_by("submitted_at")
        .values("tier")[:1]
    )
    rows = (
        detractors.annotate(got_case=Exists(got_case), next_tier=Subquery(next_tier))
        .filter(next_tier__isnull=False)
        .values("got_case", "next_tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    follow = FollowUp()
    for row in rows:
        side = follow.with_case if row["got_case"] else follow.without_case
        side[row["next_tier"]] = side.get(row["next_tier"], 0) + row["n"]
    return follow
