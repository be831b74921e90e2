"""Reads for outreach, scoped to an organization."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from earful.accounts.models import Organization
from earful.customers.models import Customer, CustomerEvent
from earful.outreach.budget import Contact
from earful.outreach.models import (
    ContactDecision,
    Decision,
    Invitation,
    InvitationStatus,
    MessageState,
    OutboundMessage,
    OutreachPolicy,
    SurveyOutreachSettings,
    SurveyTrigger,
)
from earful.surveys.models import Survey


@dataclass(frozen=True)
class Segment:
    """Customers to invite: every condition given must hold (an empty segment is everyone)."""

    attributes: dict[str, str] = field(default_factory=dict)
    account: str = ""
    event: str = ""  # a customer event name ...
    event_within_days: int | None = None  # ... whose last occurrence is this recent


def policy_for(organization: Organization) -> OutreachPolicy:
    """The organization's contact budget; the defaults when never changed (not saved)."""
    found = OutreachPolicy.objects.filter(organization=organization).first()
    return found or OutreachPolicy(organization=organization)


def settings_for(survey: Survey) -> SurveyOutreachSettings:
    found = SurveyOutreachSettings.objects.filter(survey=survey).first()
    return found or SurveyOutreachSettings(survey=survey)


def segment_customers(
    organization: Organization, segment: Segment, *, now: datetime
) -> QuerySet[Customer]:
    customers = Customer.objects.filter(organization=organization)
    for name, value in segment.attributes.items():
        customers = customers.filter(**{f"attributes__{name}": value})
    if segment.account:
        customers = customers.filter(account__name=segment.account)
    if segment.event:
        if segment.event_within_days is not None:
            since = now - timedelta(days=segment.event_within_days)
            customers = customers.annotate(
                last_event=Max("events__occurred_at", filter=Q(events__name=segment.event))
            ).filter(last_event__gte=since)
        else:
            events = CustomerEvent.objects.filter(customer=OuterRef("pk"), name=segment.event)
            customers = customers.filter(Exists(events))
    return customers.order_by("external_id")


def contacts_by_customer(
    customer_ids: Iterable[int], *, since: datetime
) -> dict[int, list[Contact]]:
    """Every message sent or scheduled to these customers since `since` (failed ones excepted)."""
    history: dict[int, list[Contact]] = defaultdict(list)
    rows = (
        OutboundMessage.objects.filter(customer_id__in=list(customer_ids), send_after__gte=since)
        .exclude(state=MessageState.FAILED)
        .values_list("customer_id", "send_after", "sent_at", "kind", "survey_id", "survey__title")
    )
    for customer_id, send_after, sent_at, kind, survey_id, title in rows:
        history[customer_id].append(Contact(sent_at or send_after, kind, survey_id, title or ""))
    return history


def list_invitations(survey: Survey) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(survey=survey)
        .select_related("customer")
        .order_by("-created_at", "-id")
    )


def invitation_counts(survey: Survey) -> dict[str, int]:
    counts = dict.fromkeys(InvitationStatus.values, 0)
    rows = Invitation.objects.filter(survey=survey).values_list("status").annotate(n=Count("id"))
    counts.update(dict(rows))
    return counts


def skipped_by_reason(survey: Survey) -> dict[str, int]:
    rows = (
        ContactDecision.objects.filter(survey=survey, decision=Decision.SKIPPED)
        .values_list("reason_code")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return dict(rows)


def list_triggers(survey: Survey) -> QuerySet[SurveyTrigger]:
    return SurveyTrigger.objects.filter(survey=survey).order_by("event_name")


def invitation_by_token(token: str) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("survey"), token=token)
