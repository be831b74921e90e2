"""The members' outbox: a row per email (unique key: once per what, about and whom), sent by a
task that claims the row with a conditional UPDATE; failures retry with backoff; the sweep
sends what a lost task left."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from earful.accounts.models import Member
from earful.cases.models import Case, CaseNotification, Commitment, NotificationState

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 6


def queue_notification(
    *,
    key: str,
    kind: str,
    member: Member,
    subject: str,
    body: str,
    now: datetime,
    case: Case | None = None,
    commitment: Commitment | None = None,
) -> CaseNotification | None:
    """Queues one email; None when one with this key was queued before (sent once, ever)."""
    try:
        with transaction.atomic():
            row = CaseNotification.objects.create(
                organization_id=member.organization_id,
                key=key[:120],
                kind=kind,
                member=member,
                case=case,
                commitment=commitment,
                subject=subject[:300],
                body=body,
                next_attempt_at=now,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def _enqueue(notification_id: int) -> None:
    from earful.cases.tasks import send_notification as task

    task.enqueue(notification_id)


def case_link(case: Case) -> str:
    return f"{settings.EARFUL_BASE_URL}/cases/{case.pk}/"


def send_notification(*, notification_id: int, now: datetime | None = None) -> bool:
    """Sends one due row; True when this call sent it. Safe to call twice."""
    now = now or timezone.now()
    claimed = CaseNotification.objects.filter(
        pk=notification_id,
        state=NotificationState.QUEUED,
        next_attempt_at__lte=now,
    ).update(state=NotificationState.SENDING, attempts=F("attempts") + 1, lease_until=now + LEASE)
    if not claimed:
        return False
    row = CaseNotification.objects.select_related("member__user").get(pk=notification_id)
    try:
        EmailMessage(
            subject=row.subject, body=row.body, to=[row.member.user.email], headers={}
        ).send()
    except Exception as exc:  # any backend failure: back to the queue, later
        failed = row.attempts >= MAX_ATTEMPTS
        CaseNotification.objects.filter(pk=row.pk, state=NotificationState.SENDING).update(
            state=NotificationState.FAILED if failed else NotificationState.QUEUED,
            next_attempt_at=now + timedelta(minutes=5) * 2 ** (row.attempts - 1),
            lease_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return False
    CaseNotification.objects.filter(pk=row.pk, state=NotificationState.SENDING).update(
        state=NotificationState.SENT, sent_at=now, lease_until=None
    )
    return True


def deliver_due_notifications(*, now: datetime) -> int:
    """Re-queues rows whose sender died, then sends every due row; the number sent."""
    CaseNotification.objects.filter(state=NotificationState.SENDING, lease_until__lt=now).update(
        state=NotificationState.QUEUED, lease_until=None
    )
    due = CaseNotification.objects.filter(
        state=NotificationState.QUEUED, next_attempt_at__lte=now
    ).values_list("pk", flat=True)[:500]
    return sum(send_notification(notification_id=pk, now=now) for pk in list(due))
