"""What the customer did with an invitation: opened its link, answered the survey."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from earful.outreach.budget import REMINDER
from earful.outreach.models import Invitation, InvitationStatus, MessageState, OutboundMessage
from earful.surveys.models import Response, ResponseIdentity

_OPEN = [InvitationStatus.SCHEDULED, InvitationStatus.SENT, InvitationStatus.OPENED]


def record_invitation_opened(*, invitation: Invitation, now: datetime | None = None) -> Invitation:
    """The customer followed the link: 'opened' (an answered invitation stays answered)."""
    now = now or timezone.now()
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
    Invitation.objects.filter(
        pk=invitation.pk, status__in=[InvitationStatus.SCHEDULED, InvitationStatus.SENT]
    ).update(status=InvitationStatus.OPENED)
    invitation.refresh_from_db()
    return invitation


def _cancel_pending_reminders(invitations: Q, now: datetime) -> int:
    """Reminders not yet sent for answered invitations will never go out."""
    return OutboundMessage.objects.filter(
        invitations, kind=REMINDER, state=MessageState.QUEUED
    ).update(
        state=MessageState.CANCELLED,
        lease_until=None,
        last_error="answered before the reminder went out",
        updated_at=now,
    )


@transaction.atomic
def mark_invitation_answered(
    *, invitation_id: int, response_id: int, now: datetime | None = None
) -> bool:
    """The response came through this invitation's link: 'answered', and no reminder.

    True when this call marked it. A response to another survey changes nothing; a second
    response keeps the first answer's time."""
    now = now or timezone.now()
    response = Response.objects.filter(pk=response_id).values("survey_id", "submitted_at").first()
    if response is None:
        return False
    marked = Invitation.objects.filter(
        pk=invitation_id, survey_id=response["survey_id"], status__in=_OPEN
    ).update(status=InvitationStatus.ANSWERED, answered_at=response["submitted_at"])
    if marked:
        _cancel_pending_reminders(Q(invitation_id=invitation_id), now)
    return bool(marked)


def _answers_by_customer() -> tuple[Exists, Exists, Coalesce]:
    """Responses to the invitation's survey since it was sent, by the invited customer: linked
    on the response (identified surveys) or kept apart (pseudonymous and trustee surveys)."""
    linked = Response.objects.filter(
        survey=OuterRef("survey"),
        submitted_at__gte=OuterRef("sent_at"),
        customer=OuterRef("customer"),
    ).order_by("submitted_at")
    apart = ResponseIdentity.objects.filter(
        response__survey=OuterRef("survey"),
        response__submitted_at__gte=OuterRef("sent_at"),
        customer=OuterRef("customer"),
    ).order_by("response__submitted_at")
    first = Coalesce(
        Subquery(linked.values("submitted_at")[:1]),
        Subquery(apart.values("response__submitted_at")[:1]),
    )
    return Exists(linked), Exists(apart), first


def mark_answered_invitations(*, now: datetime | None = None) -> int:
    """The sweep's safety net, for answers whose signal was lost: an invitation whose customer
    answered its survey after it was sent becomes 'answered', and its reminder is cancelled."""
    now = now or timezone.now()
    linked, apart, first = _answers_by_customer()
    marked = (
        Invitation.objects.filter(
            status__in=[InvitationStatus.SENT, InvitationStatus.OPENED], sent_at__isnull=False
        )
        .filter(linked | apart)
        .update(status=InvitationStatus.ANSWERED, answered_at=first)
    )
    _cancel_pending_reminders(Q(invitation__status=InvitationStatus.ANSWERED), now)
    return marked
