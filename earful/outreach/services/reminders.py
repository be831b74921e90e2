"""The one reminder: `reminder_after_days` after an invitation was sent, if still unanswered.

A reminder is a message like any other: it must fit the budget (the cap counts it, and a
message of another survey within the cooldown holds it back), an unsubscribed customer gets
none, and it counts towards the customer's cap and cooldown afterwards. It is decided once:
skipped means no reminder for that invitation, ever.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from earful.customers.models import Customer
from earful.outreach import selectors
from earful.outreach.budget import (
    REMINDER,
    Contact,
    Refusal,
    budget_refusal,
    reachability_refusal,
)
from earful.outreach.models import (
    ContactDecision,
    Decision,
    Invitation,
    InvitationStatus,
    OutboundMessage,
)
from earful.outreach.services.deciding import BATCH
from earful.outreach.window import next_send_time
from earful.surveys.models import Survey, SurveyStatus


def _decision(
    survey: Survey, customer: Customer, refusal: Refusal | None, now: datetime
) -> ContactDecision:
    return ContactDecision(
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


def _remind(survey: Survey, invitations: list[Invitation], now: datetime) -> int:
    budget = selectors.policy_for(survey.organization).budget
    conf = selectors.settings_for(survey)
    history = selectors.contacts_by_customer(
        [i.customer_id for i in invitations], since=now - budget.look_back
    )
    messages, decisions = [], []
    for invitation in invitations:
        customer = invitation.customer
        refusal = reachability_refusal(
            email=customer.email, unsubscribed=customer.unsubscribed_at is not None
        ) or budget_refusal(
            contacts=history[customer.pk],
            survey_id=survey.pk,
            recontact_days=conf.recontact_days,
            budget=budget,
            now=now,
            kind=REMINDER,
        )
        decisions.append(_decision(survey, customer, refusal, now))
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
                .select_for_update(of=("self",))[:BATCH]
            )
            if due:
                scheduled += _remind(survey, due, now)
    return scheduled
