"""Sending from the outbox: a send claims its row with a conditional UPDATE, so two workers
never send the same row, and a crash leaves the row to be re-queued by the sweep."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from earful.outreach import selectors
from earful.outreach.budget import INVITATION, REMINDER, UNSUBSCRIBED, Refusal
from earful.outreach.mail import compose_email, compose_written_email
from earful.outreach.models import (
    ContactDecision,
    Decision,
    Invitation,
    InvitationStatus,
    MessageState,
    OutboundMessage,
)
from earful.outreach.window import next_send_time

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
ENQUEUE_LIMIT = 2000


def enqueue_sends(message_ids: Iterable[int]) -> None:
    from earful.outreach.tasks import deliver_message

    for message_id in message_ids:
        deliver_message.enqueue(message_id)


def _claim(message_id: int, now: datetime) -> bool:
    """Takes the row for this sender: only one caller ever moves it from queued to sending."""
    return bool(
        OutboundMessage.objects.filter(
            pk=message_id, state=MessageState.QUEUED, send_after__lte=now
        ).update(
            state=MessageState.SENDING,
            attempts=F("attempts") + 1,
            lease_until=now + LEASE,
            updated_at=now,
        )
    )


def _retry_delay(attempts: int) -> timedelta:
    return min(timedelta(minutes=5) * 2 ** (attempts - 1), timedelta(hours=6))


def _release_after_failure(message: OutboundMessage, error: str, now: datetime) -> None:
    pending = OutboundMessage.objects.filter(pk=message.pk, state=MessageState.SENDING)
    if message.attempts >= MAX_ATTEMPTS:
        pending.update(state=MessageState.FAILED, lease_until=None, last_error=error[:2000])
        if message.kind == INVITATION and message.invitation_id is not None:
            Invitation.objects.filter(pk=message.invitation_id).update(
                status=InvitationStatus.FAILED
            )
        return
    retry_at = now + _retry_delay(message.attempts)
    if message.survey is not None:
        conf = selectors.settings_for(message.survey)
        retry_at = next_send_time(retry_at, message.customer.timezone, conf.window)
    pending.update(
        state=MessageState.QUEUED, lease_until=None, send_after=retry_at, last_error=error[:2000]
    )


def cancel_messages(
    messages: Iterable[OutboundMessage], *, state: str, why: str, now: datetime
) -> int:
    """Moves the rows still in `state` to cancelled: never sent, not counted by the budget."""
    return OutboundMessage.objects.filter(pk__in=[m.pk for m in messages], state=state).update(
        state=MessageState.CANCELLED, lease_until=None, last_error=why, updated_at=now
    )


def record_skipped(messages: Iterable[OutboundMessage], refusal: Refusal, now: datetime) -> None:
    """A decision row for each message dropped after it was queued (e.g. unsubscribed since)."""
    ContactDecision.objects.bulk_create(
        ContactDecision(
            organization_id=m.organization_id,
            survey_id=m.survey_id,
            customer_id=m.customer_id,
            customer_ref=m.customer.external_id,
            kind=m.kind,
            decision=Decision.SKIPPED,
            reason_code=refusal.code,
            reason=refusal.text,
            decided_at=now,
        )
        for m in messages
        if m.survey_id is not None
    )


def _cancel_claimed(message: OutboundMessage, now: datetime) -> bool:
    """Drops a claimed message that must not go out any more; True when it did."""
    if message.customer.unsubscribed_at is not None:
        cancel_messages([message], state=MessageState.SENDING, why="unsubscribed", now=now)
        record_skipped([message], UNSUBSCRIBED, now)
        return True
    invitation = message.invitation
    if message.kind == REMINDER and invitation and invitation.status == InvitationStatus.ANSWERED:
        why = "answered before the reminder went out"
        cancel_messages([message], state=MessageState.SENDING, why=why, now=now)
        return True
    return False


def send_outbound_message(*, message_id: int, now: datetime | None = None) -> bool:
    """Sends one queued, due message; True when this call sent it. Safe to call twice."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return False
    message = OutboundMessage.objects.select_related(
        "organization", "customer", "survey", "invitation__survey"
    ).get(pk=message_id)
    invitation = message.invitation
    written = invitation is None and bool(message.body)
    if not written and (invitation is None or message.survey is None):
        _release_after_failure(message, "nothing to send: no invitation", now)
        return False
    if _cancel_claimed(message, now):
        return False
    try:
        if written:
            compose_written_email(message).send()
        else:
            compose_email(message, selectors.settings_for(message.survey)).send()  # type: ignore[arg-type]
    except Exception as exc:  # any backend failure: the row goes back to the queue
        _release_after_failure(message, f"{type(exc).__name__}: {exc}", now)
        return False
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
            state=MessageState.SENT, sent_at=now, lease_until=None
        )
        if message.kind == INVITATION and invitation is not None:
            Invitation.objects.filter(
                pk=invitation.pk, status__in=[InvitationStatus.SCHEDULED, InvitationStatus.FAILED]
            ).update(status=InvitationStatus.SENT, sent_at=now)
    return True


def requeue_stale_messages(*, now: datetime | None = None) -> int:
    """Rows left in 'sending' past their lease (the sender died) go back to the queue."""
    now = now or timezone.now()
    stale = OutboundMessage.objects.filter(state=MessageState.SENDING, lease_until__lt=now)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=MessageState.FAILED, lease_until=None, last_error="gave up: the sender kept stopping"
    )
    return stale.update(
        state=MessageState.QUEUED,
        lease_until=None,
        last_error="re-queued: the sender stopped before finishing",
    )


def enqueue_due_messages(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = list(
        OutboundMessage.objects.filter(state=MessageState.QUEUED, send_after__lte=now)
        .order_by("send_after")
        .values_list("pk", flat=True)[:ENQUEUE_LIMIT]
    )
    transaction.on_commit(lambda: enqueue_sends(due))
    return len(due)
