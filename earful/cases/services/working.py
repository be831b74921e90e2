"""Working a case: notes and replies, status changes (the clocks stop, pause and resume with
them), owner and priority, the resolution, reopening; the org's list of root causes."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from earful.accounts.models import Member, Organization
from earful.cases.models import (
    Case,
    CaseNote,
    NoteKind,
    RootCause,
    Status,
)
from earful.cases.services.calendars import CASE_ROLES, business_calendar
from earful.cases.services.errors import CasesInvalid
from earful.cases.services.opening import notify_assigned

MOVES: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED),
    Status.IN_PROGRESS: (Status.WAITING, Status.RESOLVED),
    Status.WAITING: (Status.IN_PROGRESS, Status.RESOLVED),
    Status.REOPENED: (Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED),
    Status.RESOLVED: (Status.CLOSED, Status.REOPENED),
    Status.CLOSED: (Status.REOPENED,),
}


def _refuse_closed(case: Case) -> None:
    if case.status == Status.CLOSED:
        raise CasesInvalid([("status", "the case is closed: reopen it to change it")])


def _note(case: Case, kind: str, text: str, author: Member | None, now: datetime) -> CaseNote:
    return CaseNote.objects.create(case=case, kind=kind, text=text, author=author, created_at=now)


def record_first_response(case: Case, now: datetime) -> None:
    """The first reply (or the first wait on the customer) stops the response clock."""
    if case.first_response_at is not None:
        return
    calendar = business_calendar(case.organization_id)
    case.first_response_at = now
    case.first_response_minutes = max(calendar.minutes_between(case.opened_at, now), 0)
    case.responded_in_target = now <= case.respond_by


def add_note(
    *, case: Case, author: Member | None, text: str, now: datetime, kind: str = NoteKind.NOTE
) -> CaseNote:
    """An internal note, or (kind reply) a reply to the customer recorded: the first one is
    the case's first response."""
    _refuse_closed(case)
    errors = []
    if not text.strip():
        errors.append(("text", "is required"))
    if kind not in (NoteKind.NOTE, NoteKind.REPLY):
        errors.append(("kind", "must be note or reply"))
    if kind == NoteKind.REPLY and case.anonymous:
        errors.append(("kind", "nobody may know who this is (trustee mode): no reply to record"))
    if errors:
        raise CasesInvalid(errors)
    with transaction.atomic():
        note = _note(case, kind, text.strip(), author, now)
        if kind == NoteKind.REPLY and case.first_response_at is None:
            record_first_response(case, now)
            if case.status == Status.NEW:
                case.status = Status.IN_PROGRESS
            case.save()
    return note


def change_status(
    *,
    case: Case,
    status: str,
    by: Member | None,
    now: datetime,
    note: str = "",
    what_was_done: str = "",
    root_cause_id: int | None = None,
    resolution_notes: str = "",
) -> Case:
    """Moves the case along; resolving needs what was done (and takes a root cause)."""
    if status not in Status.values:
        raise CasesInvalid([("status", f"must be one of: {', '.join(Status.values)}")])
    if status == case.status:
        return case
    if status not in MOVES[case.status]:
        field = "status"
        if case.status == Status.CLOSED:
            raise CasesInvalid([(field, "the case is closed: reopen it to change it")])
        raise CasesInvalid([(field, f"cannot go from {case.status} to {status}")])
    root_cause = None
    if status == Status.RESOLVED:
        root_cause = _resolution_errors(case, what_was_done, root_cause_id)
    calendar = business_calendar(case.organization_id)
    with transaction.atomic():
        old = case.status
        if old == Status.WAITING:  # the resolution clock resumes, its target moved later
            paused = max(calendar.minutes_between(case.waiting_since or now, now), 0)
            case.paused_minutes += paused
            if paused:
                case.resolve_by = calendar.add_minutes(case.resolve_by, paused)
            case.waiting_since = None
        if status == Status.WAITING:
            record_first_response(case, now)
            case.waiting_since = now
        if status == Status.RESOLVED:
            record_first_response(case, now)
            case.resolved_at = now
            worked = calendar.minutes_between(case.opened_at, now) - case.paused_minutes
            case.resolution_minutes = max(worked, 0)
            case.resolved_in_target = now <= case.resolve_by
            case.what_was_done, case.root_cause = what_was_done.strip(), root_cause
            case.resolution_notes = resolution_notes.strip()
        if status == Status.CLOSED:
            case.closed_at = now
        if status == Status.REOPENED:
            case.reopened_count += 1
            case.closed_at = None
        case.status = status
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as exc:  # reopening while another case is open for this cause
            raise CasesInvalid(
                [("status", "another case is open for this customer and cause: work that one")]
            ) from exc
        words = f"{Status(old).label} → {Status(status).label}"
        _note(
            case, NoteKind.STATUS, f"{words}{': ' + note.strip() if note.strip() else ''}", by, now
        )
    return case


def _resolution_errors(case: Case, what: str, root_cause_id: int | None) -> RootCause | None:
    errors = []
    if not what.strip():
        errors.append(("what_was_done", "say what was done for the customer"))
    root_cause = None
    if root_cause_id is not None:
        root_cause = RootCause.objects.filter(
            organization_id=case.organization_id, pk=root_cause_id
        ).first()
        if root_cause is None:
            errors.append(("root_cause", "no such root cause in this organization"))
    if errors:
        raise CasesInvalid(errors)
    return root_cause


def assign_case(*, case: Case, owner: Member, by: Member | None, now: datetime) -> Case:
    _refuse_closed(case)
    if owner.organization_id != case.organization_id:
        raise CasesInvalid([("owner", "is not a member of this organization")])
    if owner.role not in CASE_ROLES:
        raise CasesInvalid([("owner", "this member's role does not work cases")])
    if owner.pk == case.owner_id:
        return case
    with transaction.atomic():
        case.owner = owner
        case.save(update_fields=["owner", "updated_at"])
        _note(case, NoteKind.SYSTEM, f"Assigned to {owner.user.email}", by, now)
        notify_assigned(case, owner, now)
    return case


def set_priority(*, case: Case, priority: str, by: Member | None, now: datetime) -> Case:
    """A new priority sets new targets, counted from the opening."""
    from earful.cases.services.calendars import settings_of

    _refuse_closed(case)
    if priority not in ("urgent", "high", "normal", "low"):
        raise CasesInvalid([("priority", "must be one of: urgent, high, normal, low")])
    settings = settings_of(case.organization)
    calendar = business_calendar(case.organization_id, settings)
    respond, resolve = settings.target_minutes(priority)
    with transaction.atomic():
        case.priority = priority
        case.respond_by = calendar.add_minutes(case.opened_at, respond)
        case.resolve_by = calendar.add_minutes(case.opened_at, resolve + case.paused_minutes)
        case.save()
        _note(case, NoteKind.SYSTEM, f"Priority set to {priority}", by, now)
    return case


def add_root_cause(*, organization: Organization, name: str) -> RootCause:
    name = name.strip()
    if not name or len(name) > 100:
        raise CasesInvalid([("name", "give 1 to 100 characters")])
    cause, _ = RootCause.objects.update_or_create(
        organization=organization, name=name, defaults={"active": True}
    )
    return cause


def retire_root_cause(*, root_cause: RootCause) -> RootCause:
    """Off the list for new resolutions; cases that named it keep it."""
    root_cause.active = False
    root_cause.save(update_fields=["active", "updated_at"])
    return root_cause
