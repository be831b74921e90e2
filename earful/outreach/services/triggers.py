"""Journeys: invite to a survey N hours after a customer event, one invitation per event."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from earful.customers.models import CustomerEvent
from earful.outreach import selectors
from earful.outreach.models import ContactDecision, Invitation, SurveyTrigger
from earful.outreach.services.deciding import (
    BATCH,
    Target,
    decide_invitations,
    locked_customers,
    save_batch,
)
from earful.outreach.services.errors import OutreachInvalid
from earful.surveys.models import Survey, SurveyStatus

TRIGGER_MAX_LATE = timedelta(days=2)  # older due events are history, not a reason to ask


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
        .order_by("occurred_at", "pk")[:BATCH]
    )


def _run_trigger(trigger: SurveyTrigger, now: datetime) -> int:
    """Decides the trigger's due events in one transaction; the number of invitations."""
    survey = trigger.survey
    with transaction.atomic():
        events = _due_events(trigger, now)
        customer_ids = {e.customer_id for e in events}
        locked = {c.pk: c for c in locked_customers(survey.organization_id, pk__in=customer_ids)}
        targets = [Target(e.customer.external_id, locked[e.customer_id], e) for e in events]
        batch = decide_invitations(
            survey,
            targets,
            now=now,
            budget=selectors.policy_for(survey.organization).budget,
            conf=selectors.settings_for(survey),
        )
        save_batch(batch, now=now)
    return len(batch.invitations)


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
        try:
            queued += _run_trigger(trigger, now)
        except IntegrityError:  # a concurrent run decided these events first
            continue
    return queued


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
