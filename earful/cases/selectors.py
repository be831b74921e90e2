"""Reads for cases: access with a 404 outside the member's organization, the queue with its
filters, a case with its thread, commitments by due time, a customer's cases and commitments.
Every list is a fixed number of queries whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Role
from earful.cases.calendar import Calendar, describe_minutes, zone
from earful.cases.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    AgentProfile,
    Case,
    CaseItem,
    CaseNote,
    CaseSettings,
    Commitment,
    RootCause,
    Status,
)
from earful.customers.models import Customer

QUEUE_FILTERS = ("team", "mine", "breaching", "waiting", "resolved", "all")
PAGE = 50
CASE_ROLES = (Role.OWNER, Role.ADMIN, Role.AGENT)


def access_case(member: Member, case_id: int) -> Case:
    return get_object_or_404(
        Case.objects.select_related("owner__user", "customer", "root_cause", "alert"),
        organization=member.organization,
        pk=case_id,
    )


def access_commitment(member: Member, commitment_id: int) -> Commitment:
    return get_object_or_404(
        Commitment.objects.select_related("customer", "owner__user", "case"),
        organization=member.organization,
        pk=commitment_id,
    )


def access_customer(member: Member, customer_id: int) -> Customer:
    return get_object_or_404(Customer, organization=member.organization, pk=customer_id)


def access_org_member(member: Member, member_id: int) -> Member | None:
    """Another member of the same organization, or None (the caller names the field)."""
    return (
        Member.objects.select_related("user")
        .filter(organization=member.organization, pk=member_id)
        .first()
    )


def calendar_of(organization: Organization) -> Calendar:
    """The business calendar, read only (defaults when the org has set nothing)."""
    from earful.cases.services.calendars import business_calendar

    return business_calendar(organization.pk)


def queue(
    member: Member, view: str = "team", *, now: datetime, offset: int = 0, limit: int = PAGE
) -> QuerySet[Case]:
    """The case queue: team (every open case), mine (open, mine), breaching (open, past a
    target), waiting (on the customer), resolved, all; the next due first."""
    cases = Case.objects.filter(organization=member.organization)
    if view == "mine":
        cases = cases.filter(owner=member, status__in=OPEN_STATUSES)
    elif view == "breaching":
        cases = cases.filter(status__in=OPEN_STATUSES).filter(breaching_q(now))
    elif view == "waiting":
        cases = cases.filter(status=Status.WAITING)
    elif view == "resolved":
        cases = cases.filter(status__in=(Status.RESOLVED, Status.CLOSED))
    elif view == "team":
        cases = cases.filter(status__in=OPEN_STATUSES)
    order = ("-resolved_at", "-id") if view == "resolved" else ("respond_by", "id")
    return cases.select_related("owner__user", "customer").order_by(*order)[offset : offset + limit]


def breaching_q(now: datetime) -> Q:
    return Q(status__in=OPEN_STATUSES, first_response_at__isnull=True, respond_by__lt=now) | Q(
        status__in=RUNNING_STATUSES, resolve_by__lt=now
    )


def queue_counts(member: Member, now: datetime) -> dict[str, int]:
    """How many cases each filter shows: one query."""
    from django.db.models import Count

    # Every count is of open cases: the (organization, status, ...) index reads only those.
    open_cases = Case.objects.filter(organization=member.organization, status__in=OPEN_STATUSES)
    return open_cases.aggregate(
        team=Count("id"),
        mine=Count("id", filter=Q(owner=member)),
        breaching=Count("id", filter=breaching_q(now)),
        waiting=Count("id", filter=Q(status=Status.WAITING)),
    )


@dataclass(frozen=True)
class Due:
    """A target as people read it: "due in 3 h 10 min" (business time), and its colour."""

    label: str
    state: str  # ok | amber | red | met | paused | none
    text: str


def due_of(case: Case, calendar: Calendar, now: datetime, targets: tuple[int, int]) -> Due:
    if case.first_response_at is None and case.status in OPEN_STATUSES:
        return _due("First response", case.respond_by, targets[0], calendar, now)
    if case.status == Status.WAITING:
        return Due("Resolution", "paused", "paused while waiting on the customer")
    if case.status in RUNNING_STATUSES:
        return _due("Resolution", case.resolve_by, targets[1], calendar, now)
    if case.resolved_in_target is not None:
        met = "met" if case.resolved_in_target else "red"
        return Due("Resolution", met, "inside target" if case.resolved_in_target else "late")
    return Due("", "none", "")


def _due(label: str, by: datetime, target: int, calendar: Calendar, now: datetime) -> Due:
    left = calendar.minutes_between(now, by)
    if by <= now:
        return Due(label, "red", f"overdue by {describe_minutes(max(-left, 1))}")
    state = "amber" if left <= max(target // 4, 30) else "ok"
    return Due(label, state, f"due in {describe_minutes(max(left, 1))}")


@dataclass(frozen=True)
class QueueRow:
    case: Case
    due: Due


def queue_rows(member: Member, view: str, *, now: datetime, offset: int = 0) -> list[QueueRow]:
    """The queue with each case's due text: three queries whatever the rows."""
    settings = CaseSettings.objects.filter(organization=member.organization).first()
    calendar = calendar_of(member.organization)
    default = CaseSettings()
    rows = list(queue(member, view, now=now, offset=offset))
    return [
        QueueRow(c, due_of(c, calendar, now, (settings or default).target_minutes(c.priority)))
        for c in rows
    ]


@dataclass(frozen=True)
class CaseView:
    case: Case
    due: Due
    items: list[CaseItem]
    notes: list[CaseNote]
    commitments: list[CommitmentRow]
    root_causes: list[RootCause]
    owners: list[Member]


def case_view(member: Member, case: Case, now: datetime) -> CaseView:
    settings = CaseSettings.objects.filter(organization=member.organization).first()
    targets = (settings or CaseSettings()).target_minutes(case.priority)
    items = list(
        CaseItem.objects.filter(case=case).select_related("item").order_by("added_at", "id")
    )
    notes = list(
        CaseNote.objects.filter(case=case)
        .select_related("author__user")
        .order_by("created_at", "id")
    )
    return CaseView(
        case=case,
        due=due_of(case, calendar_of(member.organization), now, targets),
        items=items,
        notes=notes,
        commitments=commitment_rows(
            Commitment.objects.filter(organization=member.organization, case=case), now
        ),
        root_causes=list(RootCause.objects.filter(organization=member.organization, active=True)),
        owners=case_workers(member.organization),
    )


def case_workers(organization: Organization) -> list[Member]:
    return list(
        Member.objects.filter(organization=organization, role__in=CASE_ROLES)
        .select_related("user")
        .order_by("user__email")
    )


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment as shown: due where the customer is, the owner's time beside it."""

    commitment: Commitment
    customer_time: datetime
    owner_time: datetime
    owner_zone: str
    overdue: bool

    @property
    def customer_text(self) -> str:
        """As the customer reads it on their wall clock (templates would convert to UTC)."""
        return self.customer_time.strftime("%a %d %b %H:%M")

    @property
    def owner_text(self) -> str:
        return self.owner_time.strftime("%a %d %b %H:%M")


def commitment_rows(
    commitments: QuerySet[Commitment], now: datetime, limit: int = 200
) -> list[CommitmentRow]:
    rows = list(
        commitments.select_related("customer", "owner__user").order_by("due_at", "id")[:limit]
    )
    zones = dict(
        AgentProfile.objects.filter(member_id__in={c.owner_id for c in rows}).values_list(
            "member_id", "timezone"
        )
    )
    out = []
    for c in rows:
        owner_zone = zones.get(c.owner_id, "UTC")
        out.append(
            CommitmentRow(
                c,
                c.due_at.astimezone(_zone(c.timezone)),
                c.due_at.astimezone(_zone(owner_zone)),
                owner_zone,
                not c.outcome and c.due_at < now,
            )
        )
    return out


def _zone(name: str) -> ZoneInfo:
    return zone(name)


def list_commitments(
    member: Member, *, now: datetime, view: str = "open", mine: bool = False, limit: int = 100
) -> list[CommitmentRow]:
    """By due time: open (no outcome yet), done (an outcome), all."""
    rows = Commitment.objects.filter(organization=member.organization)
    if view == "open":
        rows = rows.filter(outcome="")
    elif view == "done":
        rows = rows.exclude(outcome="")
    if mine:
        rows = rows.filter(owner=member)
    return commitment_rows(rows, now, limit)


@dataclass(frozen=True)
class CustomerCases:
    cases: list[Case]
    commitments: list[CommitmentRow]


def cases_for_customer(
    organization: Organization, customer: Customer, *, now: datetime, limit: int = 20
) -> CustomerCases:
    """The customer's cases (open first, then the latest) and commitments: for the customer
    page (`cases/_customer_cases.html`). Three queries."""
    cases = list(
        Case.objects.filter(organization=organization, customer=customer)
        .select_related("owner__user")
        .order_by("-opened_at", "-id")[:limit]
    )
    cases.sort(key=lambda c: (not c.is_open,))
    commitments = commitment_rows(
        Commitment.objects.filter(organization=organization, customer=customer), now, limit
    )
    return CustomerCases(cases, commitments)
