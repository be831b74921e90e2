"""/api/v1/cases: the queue, a case with its thread, notes, status changes, owner and priority,
root causes; commitments and their outcomes; the numbers. Agents work cases, viewers read,
analysts read the numbers. Another organization's ids answer 404."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from earful.accounts.access import api_member
from earful.accounts.models import Member
from earful.accounts.roles import Permission
from earful.alerts.models import Alert
from earful.cases import numbers as case_numbers_module
from earful.cases import selectors, services
from earful.cases.models import Case, RootCause
from earful.cases.schemas import (
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CasePatch,
    CommitmentIn,
    CommitmentOut,
    NoteIn,
    NoteOut,
    NumbersOut,
    OutcomeIn,
    RootCauseIn,
    RootCauseOut,
    StatusIn,
    commitment_out,
)
from earful.core.api_errors import ApiInvalid, ErrorOut
from earful.feedback.models import FeedbackItem

router = Router(tags=["cases"])
READ = Permission.VIEW_DASHBOARDS
WORK = Permission.WORK_CASES
NUMBERS = Permission.VIEW_CASE_NUMBERS


def _owner(member: Member, owner_id: int | None, field: str = "owner") -> Member | None:
    if owner_id is None:
        return None
    owner = selectors.access_org_member(member, owner_id)
    if owner is None:
        raise ApiInvalid([(field, "no such member in this organization")])
    return owner


def _case_out(case: Case, due: Any = None) -> dict[str, Any]:
    out = CaseOut.from_orm(case).dict(by_alias=True)
    out["due"] = due
    return out


class QueueParams(Schema):
    view: str = "team"
    offset: int = 0


@router.get("", response={200: list[CaseOut], 422: ErrorOut})
def list_cases(request: HttpRequest, params: Query[QueueParams]) -> list[dict[str, Any]]:
    """The queue: `view` team (open), mine, breaching, waiting, resolved, all; 50 a page."""
    member = api_member(request, READ)
    if params.view not in selectors.QUEUE_FILTERS:
        raise ApiInvalid([("view", f"must be one of: {', '.join(selectors.QUEUE_FILTERS)}")])
    rows = selectors.queue_rows(
        member, params.view, now=timezone.now(), offset=max(params.offset, 0)
    )
    return [_case_out(r.case, r.due) for r in rows]


@router.post("", response={201: CaseDetailOut, 404: ErrorOut, 422: ErrorOut})
def open_case(request: HttpRequest, payload: CaseIn) -> tuple[int, dict[str, Any]]:
    """By hand from a customer, a feedback item or an alert; attaches to the open case of the
    same customer and cause when there is one."""
    member = api_member(request, WORK)
    org = member.organization
    customer = selectors.access_customer(member, payload.customer) if payload.customer else None
    item = (
        FeedbackItem.objects.filter(organization=org, pk=payload.item).first()
        if payload.item
        else None
    )
    alert = (
        Alert.objects.filter(organization=org, pk=payload.alert).first() if payload.alert else None
    )
    errors = [
        (f, "not found")
        for f, v, o in (("item", payload.item, item), ("alert", payload.alert, alert))
        if v and o is None
    ]
    if errors:
        raise ApiInvalid(errors)
    try:
        case, _ = services.open_case_by_hand(
            member=member,
            now=timezone.now(),
            customer=customer,
            item=item,
            alert=alert,
            title=payload.title,
            owner=_owner(member, payload.owner),
            priority=payload.priority,
        )
    except services.CasesInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    return 201, _detail(member, case)


def _detail(member: Member, case: Case) -> dict[str, Any]:
    view = selectors.case_view(member, selectors.access_case(member, case.pk), timezone.now())
    out = _case_out(view.case, view.due)
    out["items"] = [ci.item_id for ci in view.items]
    out["notes"] = view.notes
    c = view.case
    out["resolution"] = (
        {
            "what_was_done": c.what_was_done,
            "root_cause": c.root_cause.name if c.root_cause else None,
            "notes": c.resolution_notes,
        }
        if c.resolved_at
        else None
    )
    return out


@router.get("/commitments", response=list[CommitmentOut])
def list_commitments(
    request: HttpRequest, view: str = "open", mine: bool = False
) -> list[dict[str, Any]]:
    """By due time: open (no outcome yet), done, all."""
    member = api_member(request, READ)
    rows = selectors.list_commitments(member, now=timezone.now(), view=view, mine=mine)
    return [commitment_out(r) for r in rows]


@router.post("/commitments", response={201: CommitmentOut, 404: ErrorOut, 422: ErrorOut})
def make_commitment(request: HttpRequest, payload: CommitmentIn) -> tuple[int, dict[str, Any]]:
    """`due_local` is the customer's wall-clock time ("tomorrow 10:00" where they are)."""
    member = api_member(request, WORK)
    customer = selectors.access_customer(member, payload.customer)
    case = selectors.access_case(member, payload.case) if payload.case else None
    if payload.due_local.tzinfo is not None:
        raise ApiInvalid([("due_local", "give the customer's wall-clock time, without offset")])
    try:
        made = services.make_commitment(
            customer=customer,
            case=case,
            what=payload.what,
            owner=_owner(member, payload.owner) or member,
            due_local=payload.due_local,
            timezone=payload.timezone,
            now=timezone.now(),
            made_by=member,
        )
    except services.CasesInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    return 201, _commitment(member, made.pk)


def _commitment(member: Member, commitment_id: int) -> dict[str, Any]:
    found = selectors.access_commitment(member, commitment_id)
    rows = selectors.commitment_rows(type(found).objects.filter(pk=found.pk), timezone.now())
    return commitment_out(rows[0])


@router.get("/commitments/{commitment_id}", response=CommitmentOut)
def get_commitment(request: HttpRequest, commitment_id: int) -> dict[str, Any]:
    return _commitment(api_member(request, READ), commitment_id)


@router.post("/commitments/{commitment_id}/outcome", response={200: CommitmentOut, 422: ErrorOut})
def record_outcome(request: HttpRequest, commitment_id: int, payload: OutcomeIn) -> dict[str, Any]:
    """kept_early | kept (done by the due time) | missed (with the reason)."""
    member = api_member(request, WORK)
    commitment = selectors.access_commitment(member, commitment_id)
    try:
        services.record_outcome(
            commitment=commitment,
            outcome=payload.outcome,
            done_at=payload.done_at,
            reason=payload.reason,
            now=timezone.now(),
        )
    except services.CasesInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    return _commitment(member, commitment_id)


@router.get("/numbers", response={200: NumbersOut, 422: ErrorOut})
def numbers(
    request: HttpRequest,
    since: datetime | None = None,
    until: datetime | None = None,
    owner: int | None = None,
) -> dict[str, Any]:
    """Cases opened and commitments due in [since, until) (the last 90 days when not given):
    rates in percent, times in business minutes (median and p90, nearest rank)."""
    member = api_member(request, NUMBERS)
    until = until or timezone.now()
    since = since or until - timedelta(days=90)
    if since.tzinfo is None or until.tzinfo is None:
        raise ApiInvalid([("since", "give times with an offset (2026-03-01T00:00Z)")])
    if since >= until:
        raise ApiInvalid([("since", "must be before until")])
    found = case_numbers_module.case_numbers(
        member.organization, since=since, until=until, owner=_owner(member, owner), weeks=False
    )
    return {
        "since": found.since,
        "until": found.until,
        "team": found.team,
        "owners": found.owners,
        "follow_up": found.follow_up,
    }


@router.get("/root-causes", response=list[RootCauseOut])
def list_root_causes(request: HttpRequest) -> list[RootCause]:
    member = api_member(request, READ)
    return list(RootCause.objects.filter(organization=member.organization).order_by("name"))


@router.post("/root-causes", response={201: RootCauseOut, 422: ErrorOut})
def add_root_cause(request: HttpRequest, payload: RootCauseIn) -> tuple[int, RootCause]:
    member = api_member(request, Permission.EDIT_SURVEYS)
    try:
        return 201, services.add_root_cause(organization=member.organization, name=payload.name)
    except services.CasesInvalid as exc:
        raise ApiInvalid(exc.errors) from exc


@router.get("/{case_id}", response=CaseDetailOut)
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    member = api_member(request, READ)
    return _detail(member, selectors.access_case(member, case_id))


@router.patch("/{case_id}", response={200: CaseDetailOut, 422: ErrorOut})
def update_case(request: HttpRequest, case_id: int, payload: CasePatch) -> dict[str, Any]:
    """The owner (a member of this organization who works cases) and the priority."""
    member = api_member(request, WORK)
    case = selectors.access_case(member, case_id)
    now = timezone.now()
    try:
        if payload.owner is not None:
            services.assign_case(case=case, owner=_owner(member, payload.owner), by=member, now=now)  # type: ignore[arg-type]
        if payload.priority is not None:
            services.set_priority(case=case, priority=payload.priority, by=member, now=now)
    except services.CasesInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    return _detail(member, case)


@router.post("/{case_id}/notes", response={201: NoteOut, 422: ErrorOut})
def add_note(request: HttpRequest, case_id: int, payload: NoteIn) -> tuple[int, Any]:
    """An internal note, or (kind reply) a reply to the customer: the first is the response."""
    member = api_member(request, WORK)
    case = selectors.access_case(member, case_id)
    try:
        return 201, services.add_note(
            case=case, author=member, text=payload.text, kind=payload.kind, now=timezone.now()
        )
    except services.CasesInvalid as exc:
        raise ApiInvalid(exc.errors) from exc


@router.post("/{case_id}/status", response={200: CaseDetailOut, 422: ErrorOut})
def change_status(request: HttpRequest, case_id: int, payload: StatusIn) -> dict[str, Any]:
    """new -> in_progress -> waiting_on_customer -> resolved -> closed; resolved or closed ->
    reopened. Resolving needs `what_was_done`."""
    member = api_member(request, WORK)
    case = selectors.access_case(member, case_id)
    try:
        services.change_status(
            case=case,
            status=payload.status,
            by=member,
            now=timezone.now(),
            note=payload.note,
            what_was_done=payload.what_was_done,
            root_cause_id=payload.root_cause,
            resolution_notes=payload.resolution_notes,
        )
    except services.CasesInvalid as exc:
        raise ApiInvalid(exc.errors) from exc
    return _detail(member, case)
