"""Commitments: a promise to a named customer, due at a wall-clock time where the customer is
("tomorrow at 10" is 10:00 in their zone, DST included), stored in UTC; a reminder to the owner
before it is due, inside the owner's working hours; an outcome (kept early, kept, missed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from earful.accounts.models import Member
from earful.cases.calendar import BadLocalTime, Calendar, UnknownZone, local_to_utc, zone
from earful.cases.models import Case, Commitment, NotificationKind, Outcome, Status
from earful.cases.services.calendars import CASE_ROLES, business_calendar, owner_calendar
from earful.cases.services.errors import CasesInvalid
from earful.cases.services.notifying import queue_notification
from earful.customers.models import Customer

REMINDER_LEAD = timedelta(hours=1)
CLOSING_MARGIN = timedelta(minutes=30)


def reminder_time(*, due_at: datetime, owner_hours: Calendar, now: datetime) -> datetime:
    """An hour before it is due, moved back into the owner's working hours (the latest working
    moment, at least half an hour before they stop); now when no working time is left."""
    target = due_at - REMINDER_LEAD
    day = target.astimezone(owner_hours.tz).date()
    for _ in range(400):
        span = owner_hours.hours.get(day.weekday())
        if span and day not in owner_hours.holidays and span[0] < span[1]:
            opens = datetime.combine(day, span[0], owner_hours.tz)
            closes = datetime.combine(day, span[1], owner_hours.tz)
            latest = max(opens, closes - CLOSING_MARGIN)
            if opens <= target:
                moment = min(target, latest)
                return moment if moment >= now else now
        if datetime.combine(day, span[0] if span else datetime.min.time(), owner_hours.tz) < now:
            return now
        day -= timedelta(days=1)
    return now


def _due(local: datetime | None, zone_name: str) -> tuple[datetime | None, list[tuple[str, str]]]:
    try:
        tz = zone(zone_name)
    except UnknownZone as exc:
        return None, [("timezone", str(exc))]
    if local is None:
        return None, [("due_local", "is required")]
    try:
        return local_to_utc(local, tz), []
    except BadLocalTime as exc:
        return None, [("due_local", str(exc))]


def make_commitment(
    *,
    customer: Customer,
    what: str,
    owner: Member,
    due_local: datetime | None,
    now: datetime,
    timezone: str | None = None,
    case: Case | None = None,
    made_by: Member | None = None,
) -> Commitment:
    """`due_local` is a wall-clock time in `timezone`, the customer's zone when not given."""
    zone_name = timezone or customer.timezone or "UTC"
    due_at, errors = _due(due_local, zone_name)
    if not what.strip():
        errors.append(("what", "say what was promised"))
    elif len(what.strip()) > 300:
        errors.append(("what", "at most 300 characters"))
    if owner.organization_id != customer.organization_id:
        errors.append(("owner", "is not a member of this organization"))
    elif owner.role not in CASE_ROLES:
        errors.append(("owner", "this member's role does not work cases"))
    if case is not None and case.status == Status.CLOSED:
        errors.append(("case", "the case is closed: reopen it first"))
    if case is not None and case.customer_id != customer.pk:
        errors.append(("case", "is about another customer"))
    if due_at is not None and due_at <= now:
        errors.append(("due_local", "is in the past"))
    if errors:
        raise CasesInvalid(errors)
    assert due_at is not None
    hours = owner_calendar(owner, business_calendar(customer.organization_id))
    return Commitment.objects.create(
        organization_id=customer.organization_id,
        customer=customer,
        case=case,
        what=what.strip(),
        owner=owner,
        due_at=due_at,
        timezone=zone_name,
        reminder_at=reminder_time(due_at=due_at, owner_hours=hours, now=now),
        made_by=made_by,
    )


def record_outcome(
    *,
    commitment: Commitment,
    outcome: str,
    now: datetime,
    done_at: datetime | None = None,
    reason: str = "",
) -> Commitment:
    """Kept early or kept: done (by `done_at`, now when not given) before it was due. Missed:
    with a reason. A later call corrects the outcome."""
    done_at = done_at or now
    errors = []
    if outcome not in Outcome.values:
        errors.append(("outcome", f"must be one of: {', '.join(Outcome.values)}"))
    if done_at > now:
        errors.append(("done_at", "is in the future"))
    if outcome in (Outcome.KEPT, Outcome.KEPT_EARLY) and done_at > commitment.due_at:
        errors.append(("outcome", "done after it was due: record it as missed, with the reason"))
    if outcome == Outcome.KEPT_EARLY and done_at >= commitment.due_at - timedelta(minutes=1):
        errors.append(("outcome", "kept early means done before the due time"))
    if outcome == Outcome.MISSED and not reason.strip():
        errors.append(("reason", "say why it was missed"))
    if errors:
        raise CasesInvalid(errors)
    with transaction.atomic():
        commitment.outcome = outcome
        commitment.done_at = done_at if outcome != Outcome.MISSED else None
        commitment.missed_reason = reason.strip()[:300] if outcome == Outcome.MISSED else ""
        commitment.save()
    return commitment


def remind_due_commitments(*, now: datetime) -> int:
    """Queues one reminder per commitment whose reminder time came (once: the row is marked in
    the same transaction). The number queued."""
    due = Commitment.objects.filter(
        reminder_at__lte=now, reminded_at__isnull=True, outcome=""
    ).select_related("customer", "owner__user")[:500]
    queued = 0
    for commitment in due:
        with transaction.atomic():
            if not Commitment.objects.filter(pk=commitment.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            tz = zone(commitment.timezone)
            local = commitment.due_at.astimezone(tz)
            queue_notification(
                key=f"commitment_due:{commitment.pk}",
                kind=NotificationKind.COMMITMENT_DUE,
                member=commitment.owner,
                commitment=commitment,
                subject=f"[Earful] Due {local:%a %H:%M} for {commitment.customer}: "
                f"{commitment.what}",
                body=(
                    f"You promised {commitment.customer}: {commitment.what}\n\n"
                    f"Due {local:%A %d %B %H:%M} {commitment.timezone} (customer time), "
                    f"{commitment.due_at:%Y-%m-%d %H:%M} UTC.\n"
                ),
                now=now,
            )
            queued += 1
    return queued
