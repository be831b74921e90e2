"""The periodic sweep (`earful cases-sweep`, and `earful worker`): escalate each breach once
(the owner and the team lead, through the members' outbox), remind owners of commitments
coming due, send what is due. Idempotent: a breach is marked in the UPDATE that claims it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from earful.accounts.models import Member
from earful.cases.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Case,
    CaseSettings,
    NotificationKind,
)
from earful.cases.services.commitments import remind_due_commitments
from earful.cases.services.notifying import case_link, deliver_due_notifications, queue_notification

BATCH = 500


@dataclass(frozen=True)
class SweepReport:
    escalated: int
    reminded: int
    sent: int

    def __str__(self) -> str:
        return f"escalated {self.escalated}, reminded {self.reminded}, sent {self.sent}"


def _escalate(case: Case, kind: str, now: datetime, lead: Member | None) -> None:
    what = "first response" if kind == NotificationKind.RESPONSE_BREACH else "resolution"
    due = case.respond_by if kind == NotificationKind.RESPONSE_BREACH else case.resolve_by
    body = (
        f"The {what} target of this case passed at {due:%Y-%m-%d %H:%M} UTC.\n\n"
        f"{case.title}\nPriority {case.priority}, status {case.get_status_display()}.\n\n"
        f"{case_link(case)}\n"
    )
    for member in {m.pk: m for m in (case.owner, lead) if m is not None}.values():
        queue_notification(
            key=f"{kind}:{case.pk}:{member.pk}",
            kind=kind,
            member=member,
            case=case,
            subject=f"[Earful] Breaching ({what}): {case.title}",
            body=body,
            now=now,
        )


def escalate_breaches(*, now: datetime) -> int:
    """Each case past its response or resolution target is escalated once, durably."""
    leads = {
        s.organization_id: s.team_lead
        for s in CaseSettings.objects.select_related("team_lead").filter(team_lead__isnull=False)
    }
    checks = (
        (
            NotificationKind.RESPONSE_BREACH,
            "response_escalated_at",
            {"first_response_at__isnull": True, "respond_by__lt": now, "status__in": OPEN_STATUSES},
        ),
        (
            NotificationKind.RESOLUTION_BREACH,
            "resolution_escalated_at",
            {"resolve_by__lt": now, "status__in": RUNNING_STATUSES},
        ),
    )
    escalated = 0
    for kind, mark, lookup in checks:
        rows = Case.objects.filter(**{f"{mark}__isnull": True}, **lookup).select_related("owner")
        for case in rows[:BATCH]:
            with transaction.atomic():
                if not Case.objects.filter(pk=case.pk, **{f"{mark}__isnull": True}).update(
                    **{mark: now}
                ):
                    continue  # another sweep took it
                _escalate(case, kind, now, leads.get(case.organization_id))
                escalated += 1
    return escalated


def sweep_cases(*, now: datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    escalated = escalate_breaches(now=now)
    reminded = remind_due_commitments(now=now)
    return SweepReport(escalated, reminded, deliver_due_notifications(now=now))
