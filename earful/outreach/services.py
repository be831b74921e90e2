"""Writes for outreach: decide within the contact budget, queue, send, remind, trigger.

Every decision (queued or skipped, with its reason) is a ContactDecision row. Messages are
OutboundMessage rows (the outbox): a send claims its row with a conditional UPDATE, so two
workers never send the same row, and a crash leaves the row to be re-queued by the sweep.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from earful.customers.models import Customer, CustomerEvent
from earful.outreach import selectors
from earful.outreach.budget import INVITATION, REMINDER, Budget, Contact, budget_refusal
from earful.outreach.mail import compose_email
from earful.outreach.models import (
    ContactDecision,
    Decision,
    Invitation,
    InvitationStatus,
    MessageState,
    OutboundMessage,
    SurveyOutreachSettings,
    SurveyTrigger,
)
from earful.outreach.window import next_send_time, zone_or_utc
from earful.surveys.models import Response, Survey, SurveyStatus

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5
TRIGGER_MAX_LATE = timedelta(days=2)  # older due events are history, not a reason to ask
_BATCH = 500


class OutreachInvalid(ValueError):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


@dataclass(frozen=True)
class InviteOutcome:
    customer: str
    status: str  # queued | skipped
    reason: str = ""
    code: str = ""
    send_after: datetime | None = None


@dataclass(frozen=True)
class _Target:
    ref: str
    customer: Customer | None
    event: CustomerEvent | None = None


@dataclass
class _Batch:
    invitations: list[Invitation]
    messages: list[OutboundMessage]
    decisions: list[ContactDecision]
    outcomes: list[InviteOutcome]


def _schedule_text(at: datetime, tz_name: str, now: datetime) -> str:
    if at <= now:
        return ""
    local = at.astimezone(zone_or_utc(tz_name))
    return f"scheduled for {local:%Y-%m-%d %H:%M} {local.tzname()} (send window)"


def _decide(
    survey: Survey,
    targets: Sequence[_Target],
    *,
    now: datetime,
    budget: Budget,
    conf: SurveyOutreachSettings,
) -> _Batch:
    """Applies the budget to each target, in order; builds (unsaved) rows for the outcome."""
    known = [t.customer.pk for t in targets if t.customer]
    since = now - max(budget.look_back, timedelta(days=conf.recontact_days))
    history = selectors.contacts_by_customer(known, since=since)
    batch = _Batch([], [], [], [])
    for target in targets:
        customer, refusal = target.customer, None
        if customer is None:
            code, text = "unknown_customer", "unknown customer"
        elif not customer.email:
            code, text = "no_email", "no email address"
        else:
            refusal = budget_refusal(
                contacts=history[customer.pk],
                survey_id=survey.pk,
                recontact_days=conf.recontact_days,
                budget=budget,
                now=now,
            )
            code, text = (refusal.code, refusal.text) if refusal else ("", "")
        decision = ContactDecision(
            organization_id=survey.organization_id,
            survey=survey,
            customer=customer,
            customer_ref=target.ref,
            kind=INVITATION,
            decision=Decision.SKIPPED if code else Decision.QUEUED,
            reason_code=code,
            decided_at=now,
            trigger_event=target.event,
        )
        send_after = None
        if customer is not None and not code:
            send_after = next_send_time(now, customer.timezone, conf.window)
            code, text = "", _schedule_text(send_after, customer.timezone, now)
            invitation = Invitation(
                organization_id=survey.organization_id,
                survey=survey,
                customer=customer,
                trigger_event=target.event,
            )
            batch.invitations.append(invitation)
            batch.messages.append(
                OutboundMessage(
                    organization_id=survey.organization_id,
                    customer=customer,
                    survey=survey,
                    invitation=invitation,
                    kind=INVITATION,
                    send_after=send_after,
                )
            )
            history[customer.pk].append(Contact(send_after, INVITATION, survey.pk, survey.title))
        decision.reason = text[:300]
        batch.decisions.append(decision)
        status = Decision.SKIPPED if decision.decision == Decision.SKIPPED else Decision.QUEUED
        batch.outcomes.append(InviteOutcome(target.ref, status, text, code, send_after))
    return batch


def _save(batch: _Batch, *, now: datetime) -> None:
    Invitation.objects.bulk_create(batch.invitations)
    for message in batch.messages:
        message.invitation_id = message.invitation.pk  # type: ignore[union-attr]
    OutboundMessage.objects.bulk_create(batch.messages)
    ContactDecision.objects.bulk_create(batch.decisions)
    due = [m.pk for m in batch.messages if m.send_after <= now]
    if due:
        transaction.on_commit(lambda: _enqueue_sends(due))


def _enqueue_sends(message_ids: Iterable[int]) -> None:
    from earful.outreach.tasks import deliver_message

    for message_id in message_ids:
        deliver_message.enqueue(message_id)


def _locked_customers(organization_id: int, **lookup: object) -> list[Customer]:
    """Locks the customers' rows (PostgreSQL) so two concurrent sends share one budget."""
    return list(
        Customer.objects.select_for_update()
        .filter(organization_id=organization_id, **lookup)
        .order_by("pk")
    )


def _targets(
    survey: Survey,
    external_ids: Sequence[str] | None,
    segment: selectors.Segment | None,
    now: datetime,
) -> list[_Target]:  # type: ignore[no-untyped-def]
    if external_ids is not None:
        refs = list(dict.fromkeys(e.strip() for e in external_ids if e and e.strip()))
        found: dict[str, Customer] = {}
        for start in range(0, len(refs), _BATCH):
            chunk = refs[start : start + _BATCH]
            locked = _locked_customers(survey.organization_id, external_id__in=chunk)
            found.update((c.external_id, c) for c in locked)
        return [_Target(ref, found.get(ref)) for ref in refs]
    assert segment is not None
    ids = list(
        selectors.segment_customers(survey.organization, segment, now=now).values_list(
            "pk", flat=True
        )
    )
    customers: list[Customer] = []
    for start in range(0, len(ids), _BATCH):
        customers += _locked_customers(survey.organization_id, pk__in=ids[start : start + _BATCH])
    customers.sort(key=lambda c: c.external_id)
    return [_Target(c.external_id, c) for c in customers]


def invite_customers(
    *,
    survey: Survey,
    external_ids: Sequence[str] | None = None,
    segment: selectors.Segment | None = None,
    now: datetime | None = None,
) -> list[InviteOutcome]:
    """Invites the customers named by external id, or a segment, within the contact budget.

    Returns one outcome per customer: queued (with the send time when the send window delays
    it) or skipped with the reason. Every outcome is also stored as a ContactDecision.
    """
    now = now or timezone.now()
    if survey.status != SurveyStatus.PUBLISHED:
        raise OutreachInvalid([("survey", "publish the survey before inviting customers")])
    if (external_ids is None) == (segment is None):
        raise OutreachInvalid([("customers", "give a list of customers or a segment")])
    conf = selectors.settings_for(survey)
    budget = selectors.policy_for(survey.organization).budget
    outcomes: list[InviteOutcome] = []
    with transaction.atomic():
        targets = _targets(survey, external_ids, segment, now)
        for start in range(0, len(targets), _BATCH):
            batch = _decide(
                survey, targets[start : start + _BATCH], now=now, budget=budget, conf=conf
            )
            _save(batch, now=now)
            outcomes += batch.outcomes
    return outcomes


# Sending ---------------------------------------------------------------------------------------


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


def send_outbound_message(*, message_id: int, now: datetime | None = None) -> bool:
    """Sends one queued, due message; True when this call sent it. Safe to call twice."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return False
    message = OutboundMessage.objects.select_related(
        "organization", "customer", "survey", "invitation__survey"
    ).get(pk=message_id)
    invitation = message.invitation
    if invitation is None or message.survey is None:
        _release_after_failure(message, "nothing to send: no invitation", now)
        return False
    if message.kind == REMINDER and invitation.status == InvitationStatus.ANSWERED:
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=MessageState.FAILED, last_error="answered before the reminder went out"
        )
        return False
    try:
        compose_email(message, selectors.settings_for(message.survey)).send()
    except Exception as exc:  # any backend failure: the row goes back to the queue
        _release_after_failure(message, f"{type(exc).__name__}: {exc}", now)
        return False
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
            state=MessageState.SENT, sent_at=now, lease_until=None
        )
        if message.kind == INVITATION:
            Invitation.objects.filter(
                pk=invitation.pk, status__in=[InvitationStatus.SCHEDULED, InvitationStatus.FAILED]
            ).update(status=InvitationStatus.SENT, sent_at=now)
    return True


# Links and answers -----------------------------------------------------------------------------


def record_invitation_opened(*, invitation: Invitation, now: datetime | None = None) -> Invitation:
    """The customer followed the link: 'opened' (an answered invitation stays answered)."""
    now = now or timezone.now()
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
    Invitation.objects.filter(
        pk=invitation.pk, status__in=[InvitationStatus.SCHEDULED, InvitationStatus.SENT]
    ).update(status=InvitationStatus.OPENED)
    invitation.refresh_from_db()
    return invitation


def mark_answered_invitations(*, now: datetime | None = None) -> int:
    """Invitations whose customer answered the survey after it was sent become 'answered'."""
    answers = Response.objects.filter(
        survey=OuterRef("survey"),
        customer=OuterRef("customer"),
        submitted_at__gte=OuterRef("sent_at"),
    ).order_by("submitted_at")
    return (
        Invitation.objects.filter(
            status__in=[InvitationStatus.SENT, InvitationStatus.OPENED], sent_at__isnull=False
        )
        .filter(Exists(answers))
        .update(
            status=InvitationStatus.ANSWERED,
            answered_at=Subquery(answers.values("submitted_at")[:1]),
        )
    )


# The sweep: run every minute or so (`earful outreach-sweep`) -----------------------------------


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


def _remind(survey: Survey, invitations: list[Invitation], now: datetime) -> int:
    budget = selectors.policy_for(survey.organization).budget
    conf = selectors.settings_for(survey)
    history = selectors.contacts_by_customer(
        [i.customer_id for i in invitations], since=now - budget.look_back
    )
    messages, decisions = [], []
    for invitation in invitations:
        refusal = budget_refusal(
            contacts=history[invitation.customer_id],
            survey_id=survey.pk,
            recontact_days=conf.recontact_days,
            budget=budget,
            now=now,
            kind=REMINDER,
        )
        customer = invitation.customer
        decisions.append(
            ContactDecision(
                organization_id=survey.organization_id,
                survey=survey,
                customer=customer,
                customer_ref=customer.external_id,
                kind=REMINDER,
                decision=Decision.SKIPPED if refusal else Decision.QUEUED,
                reason_code=refusal.code if refusal else "",
                reason=refusal.text if refusal else "",
                decided_at=now,
            )
        )
        if refusal is None:
            send_after = next_send_time(now, customer.timezone, conf.window)
            messages.append(
                OutboundMessage(
                    organization_id=survey.organization_id,
                    customer=customer,
                    survey=survey,
                    invitation=invitation,
                    kind=REMINDER,
                    send_after=send_after,
                )
            )
            history[customer.pk].append(Contact(send_after, REMINDER, survey.pk, survey.title))
    OutboundMessage.objects.bulk_create(messages, ignore_conflicts=True)
    ContactDecision.objects.bulk_create(decisions)
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(reminder_decided_at=now)
    return len(messages)


def schedule_reminders(*, now: datetime | None = None) -> int:
    """One reminder per unanswered invitation, `reminder_after_days` after it was sent."""
    now = now or timezone.now()
    waiting = Invitation.objects.filter(
        status__in=[InvitationStatus.SENT, InvitationStatus.OPENED],
        reminder_decided_at__isnull=True,
        survey__status=SurveyStatus.PUBLISHED,
    )
    scheduled = 0
    for survey in Survey.objects.filter(pk__in=waiting.values("survey_id")).select_related(
        "organization"
    ):
        days = selectors.settings_for(survey).reminder_after_days
        if days == 0:
            continue
        with transaction.atomic():
            due = list(
                waiting.filter(survey=survey, sent_at__lte=now - timedelta(days=days))
                .select_related("customer")
                .select_for_update(of=("self",))[:_BATCH]
            )
            if due:
                scheduled += _remind(survey, due, now)
    return scheduled


def _due_events(trigger: SurveyTrigger, now: datetime) -> list[CustomerEvent]:
    due_until = now - timedelta(hours=trigger.delay_hours)
    decided = ContactDecision.objects.filter(survey=trigger.survey, trigger_event=OuterRef("pk"))
    invited = Invitation.objects.filter(trigger_event=OuterRef("pk"))
    return list(
        CustomerEvent.objects.filter(
            organization_id=trigger.organization_id,
            name=trigger.event_name,
            occurred_at__lte=due_until,
            occurred_at__gt=due_until - TRIGGER_MAX_LATE,
        )
        .exclude(Exists(decided))
        .exclude(Exists(invited))
        .select_related("customer")
        .order_by("occurred_at", "pk")[:_BATCH]
    )


def run_journey_triggers(*, now: datetime | None = None, organization_id: int | None = None) -> int:
    """Invites for every event whose trigger delay has passed (one invitation per event)."""
    now = now or timezone.now()
    triggers = SurveyTrigger.objects.filter(
        active=True, survey__status=SurveyStatus.PUBLISHED
    ).select_related("survey__organization")
    if organization_id is not None:
        triggers = triggers.filter(organization_id=organization_id)
    queued = 0
    for trigger in triggers:
        survey = trigger.survey
        try:
            with transaction.atomic():
                events = _due_events(trigger, now)
                locked = {
                    c.pk: c
                    for c in _locked_customers(
                        survey.organization_id, pk__in={e.customer_id for e in events}
                    )
                }
                targets = [
                    _Target(e.customer.external_id, locked[e.customer_id], e) for e in events
                ]
                batch = _decide(
                    survey,
                    targets,
                    now=now,
                    budget=selectors.policy_for(survey.organization).budget,
                    conf=selectors.settings_for(survey),
                )
                _save(batch, now=now)
        except IntegrityError:  # a concurrent run decided these events first
            continue
        queued += len(batch.invitations)
    return queued


def enqueue_due_messages(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = list(
        OutboundMessage.objects.filter(state=MessageState.QUEUED, send_after__lte=now)
        .order_by("send_after")
        .values_list("pk", flat=True)[: _BATCH * 4]
    )
    transaction.on_commit(lambda: _enqueue_sends(due))
    return len(due)


@dataclass(frozen=True)
class SweepReport:
    requeued: int
    answered: int
    reminders: int
    triggered: int
    due: int


def sweep_outreach(*, now: datetime | None = None) -> SweepReport:
    """Everything periodic, in order; each step is idempotent and safe to rerun."""
    now = now or timezone.now()
    return SweepReport(
        requeued=requeue_stale_messages(now=now),
        answered=mark_answered_invitations(now=now),
        reminders=schedule_reminders(now=now),
        triggered=run_journey_triggers(now=now),
        due=enqueue_due_messages(now=now),
    )


# Settings --------------------------------------------------------------------------------------


def update_outreach_settings(*, survey: Survey, **values: object) -> SurveyOutreachSettings:
    """Changes how the survey is sent (recontact, reminder, window, wording)."""
    conf = selectors.settings_for(survey)
    for name, value in values.items():
        setattr(conf, name, value)
    try:
        conf.window  # noqa: B018  (validates the window)
    except ValueError as exc:
        raise OutreachInvalid([("window", str(exc))]) from exc
    conf.save()
    return conf


def add_survey_trigger(*, survey: Survey, event_name: str, delay_hours: int) -> SurveyTrigger:
    """Invite to the survey `delay_hours` after each `event_name` event (updates the delay)."""
    name = event_name.strip()
    if not name:
        raise OutreachInvalid([("event", "required, e.g. purchase")])
    trigger, _ = SurveyTrigger.objects.update_or_create(
        survey=survey,
        event_name=name,
        defaults={
            "organization_id": survey.organization_id,
            "delay_hours": delay_hours,
            "active": True,
        },
    )
    return trigger
