"""The cases pages: the queue (mine, team, breaching, waiting, resolved), a case with its
thread, items, commitments and resolution; commitments by due time; the numbers. Reading needs
the dashboards permission, working cases the work-cases one, the numbers their own."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from earful.accounts.access import member_required
from earful.accounts.models import Member
from earful.accounts.roles import Permission
from earful.alerts.models import Alert
from earful.cases import charts, selectors, services
from earful.cases.models import NoteKind, Status
from earful.cases.numbers import case_numbers
from earful.feedback.models import FeedbackItem

READ = Permission.VIEW_DASHBOARDS
WORK = Permission.WORK_CASES
NUMBERS = Permission.VIEW_CASE_NUMBERS


def _member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined]


def _failed(request: HttpRequest, exc: services.CasesInvalid) -> None:
    for field, message in exc.errors:
        messages.error(request, f"{field.replace('_', ' ')}: {message}")


@member_required(READ)
def queue(request: HttpRequest) -> HttpResponse:
    member, now = _member(request), timezone.now()
    view = request.GET.get("view", "team")
    if view not in selectors.QUEUE_FILTERS:
        view = "team"
    context = {
        "view": view,
        "rows": selectors.queue_rows(member, view, now=now),
        "counts": selectors.queue_counts(member, now),
        "filters": selectors.QUEUE_FILTERS,
        "can_work": member.can(WORK),
    }
    return render(request, "cases/queue.html", context)


@member_required(READ)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    member = _member(request)
    view = selectors.case_view(member, selectors.access_case(member, case_id), timezone.now())
    context = {
        "v": view,
        "case": view.case,
        "can_work": member.can(WORK),
        "moves": services.working.MOVES.get(view.case.status, ()),
        "statuses": Status,
    }
    return render(request, "cases/case.html", context)


@member_required(WORK)
@require_POST
def case_act(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """One form per action: note, status, assign, commitment."""
    member, now, post = _member(request), timezone.now(), request.POST
    case = selectors.access_case(member, case_id)
    try:
        if action == "note":
            kind = NoteKind.REPLY if post.get("kind") == "reply" else NoteKind.NOTE
            services.add_note(
                case=case, author=member, text=post.get("text", ""), kind=kind, now=now
            )
        elif action == "status":
            services.change_status(
                case=case,
                status=post.get("status", ""),
                by=member,
                now=now,
                note=post.get("note", ""),
                what_was_done=post.get("what_was_done", ""),
                root_cause_id=_int(post.get("root_cause")),
                resolution_notes=post.get("resolution_notes", ""),
            )
        elif action == "assign":
            owner = selectors.access_org_member(member, _int(post.get("owner")) or 0)
            if owner is None:
                raise services.CasesInvalid([("owner", "no such member in this organization")])
            services.assign_case(case=case, owner=owner, by=member, now=now)
        elif action == "commitment" and case.customer is not None:
            _commit(request, member, case.customer, case, now)
        else:
            raise Http404
    except services.CasesInvalid as exc:
        _failed(request, exc)
    return redirect("cases:case", case_id=case.pk)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _commit(request: HttpRequest, member: Member, customer, case, now: datetime) -> None:  # type: ignore[no-untyped-def]
    post = request.POST
    try:
        due_local = datetime.fromisoformat(post.get("due_local", ""))
    except ValueError as exc:
        raise services.CasesInvalid([("due_local", "give a date and a time")]) from exc
    owner = selectors.access_org_member(member, _int(post.get("owner")) or member.pk)
    if owner is None:
        raise services.CasesInvalid([("owner", "no such member in this organization")])
    services.make_commitment(
        customer=customer,
        case=case,
        what=post.get("what", ""),
        owner=owner,
        due_local=due_local,
        timezone=post.get("timezone") or None,
        now=now,
        made_by=member,
    )
    messages.success(request, "Commitment made.")


@member_required(WORK)
@require_POST
def open_case(request: HttpRequest) -> HttpResponse:
    """From a feedback item, a customer page or an alert (a hidden field names which)."""
    member, post = _member(request), request.POST
    org = member.organization
    customer = (
        selectors.access_customer(member, _int(post.get("customer")) or 0)
        if post.get("customer")
        else None
    )
    item = FeedbackItem.objects.filter(organization=org, pk=_int(post.get("item")) or 0).first()
    alert = Alert.objects.filter(organization=org, pk=_int(post.get("alert")) or 0).first()
    if customer is None and item is None and alert is None:
        raise Http404
    try:
        case, opened = services.open_case_by_hand(
            member=member,
            now=timezone.now(),
            customer=customer,
            item=item,
            alert=alert,
            title=post.get("title", ""),
        )
    except services.CasesInvalid as exc:
        _failed(request, exc)
        return redirect("cases:queue")
    if not opened:
        messages.info(request, "A case was already open for this: the item is attached to it.")
    return redirect("cases:case", case_id=case.pk)


@member_required(WORK)
@require_POST
def customer_commitment(request: HttpRequest, customer_id: int) -> HttpResponse:
    member = _member(request)
    customer = selectors.access_customer(member, customer_id)
    try:
        _commit(request, member, customer, None, timezone.now())
    except services.CasesInvalid as exc:
        _failed(request, exc)
    return redirect(request.POST.get("next") or "cases:commitments")


@member_required(READ)
def commitments(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    view = request.GET.get("view", "open")
    rows = selectors.list_commitments(
        member, now=timezone.now(), view=view, mine=request.GET.get("mine") == "1"
    )
    context = {"rows": rows, "view": view, "can_work": member.can(WORK)}
    return render(request, "cases/commitments.html", context)


@member_required(WORK)
@require_POST
def commitment_outcome(request: HttpRequest, commitment_id: int) -> HttpResponse:
    member = _member(request)
    commitment = selectors.access_commitment(member, commitment_id)
    try:
        services.record_outcome(
            commitment=commitment,
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
        )
    except services.CasesInvalid as exc:
        _failed(request, exc)
    return redirect(request.POST.get("next") or "cases:commitments")


@member_required(NUMBERS)
def numbers(request: HttpRequest) -> HttpResponse:
    member, now = _member(request), timezone.now()
    days = _int(request.GET.get("days")) or 90
    days = min(max(days, 7), 730)
    found = case_numbers(member.organization, since=now - timedelta(days=days), until=now)
    context = {
        "n": found,
        "days": days,
        "chart": charts.weekly_chart(found.weeks),
        "follow_chart": charts.follow_up_chart(found.follow_up),
    }
    return render(request, "cases/numbers.html", context)
