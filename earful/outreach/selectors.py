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
from earful.outreach.budget import TRANSACTIONAL_KINDS, Contact
from earful.outreach.models import (
    ContactDecision,
    Decision,
    Invitation,
    InvitationStatus,
    MessageKind,
    MessageState,
    OutboundMessage,
    OutreachPolicy,
    SurveyOutreachSettings,
    SurveyTrigger,
)
from earful.surveys.models import Survey
from earful.surveys.trust import suppress


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
    """Every message sent or scheduled to these customers since `since`, on any channel and of
    any kind (reminders too); failed and cancelled ones were never received and do not count."""
    history: dict[int, list[Contact]] = defaultdict(list)
    rows = (
        OutboundMessage.objects.filter(customer_id__in=list(customer_ids), send_after__gte=since)
        .exclude(state__in=[MessageState.FAILED, MessageState.CANCELLED])
        .exclude(kind__in=TRANSACTIONAL_KINDS)
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


def invitation_counts(survey: Survey) -> dict[str, int | None]:
    """Invitations by status; in a trustee survey, 1 to 4 answered is hidden (None)."""
    counts: dict[str, int | None] = dict.fromkeys(InvitationStatus.values, 0)
    rows = Invitation.objects.filter(survey=survey).values_list("status").annotate(n=Count("id"))
    counts.update(dict(rows))
    answered = counts[InvitationStatus.ANSWERED]
    counts[InvitationStatus.ANSWERED] = suppress(answered, trustee=survey.is_trustee)
    return counts


def hide_who_answered(survey: Survey, invitations: Iterable[Invitation]) -> list[Invitation]:
    """Invitations as members may see them: in a pseudonymous or trustee survey, who answered is
    kept apart, so an answered invitation shows as opened (or sent), with no answer time.
    The rows are changed in memory only."""
    shown = list(invitations)
    if not survey.keeps_identity_apart:
        return shown
    for invitation in shown:
        if invitation.status == InvitationStatus.ANSWERED:
            opened = invitation.opened_at is not None
            invitation.status = InvitationStatus.OPENED if opened else InvitationStatus.SENT
            invitation.answered_at = None
    return shown


def skipped_by_reason(survey: Survey) -> dict[str, int]:
    rows = (
        ContactDecision.objects.filter(survey=survey, decision=Decision.SKIPPED)
        .values_list("reason_code")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return dict(rows)


@dataclass
class SurveyOutreach:
    """One survey's invitations, for the outreach overview: how far each one got."""

    survey: Survey
    by_status: dict[str, int] = field(default_factory=dict)
    sent: int = 0  # ever sent (sent, opened, answered)
    opened: int = 0  # the link was followed
    skipped: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, reason) -> n

    @property
    def answered(self) -> int | None:
        """None for 1 to 4 answers in a trustee survey (shown as "fewer than 5")."""
        return suppress(
            self.by_status.get(InvitationStatus.ANSWERED, 0), trustee=self.survey.is_trustee
        )

    def skipped_of(self, kind: str) -> list[tuple[str, int]]:
        rows = [(code, n) for (k, code), n in self.skipped.items() if k == kind]
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    @property
    def skipped_invitations(self) -> list[tuple[str, int]]:
        return self.skipped_of(MessageKind.INVITATION)

    @property
    def skipped_reminders(self) -> list[tuple[str, int]]:
        return self.skipped_of(MessageKind.REMINDER)


def outreach_overview(
    organization: Organization, *, survey: Survey | None = None
) -> list[SurveyOutreach]:
    """Per survey with any outreach: invitations by status, sent, opened, and skipped sends by
    kind and reason. Three queries, whatever the number of surveys."""
    invitations = Invitation.objects.filter(organization=organization)
    decisions = ContactDecision.objects.filter(organization=organization, decision=Decision.SKIPPED)
    if survey is not None:
        invitations, decisions = invitations.filter(survey=survey), decisions.filter(survey=survey)
    found: dict[int, SurveyOutreach] = {}
    surveys = Survey.objects.filter(
        Q(pk__in=invitations.values("survey_id")) | Q(pk__in=decisions.values("survey_id"))
    ).order_by("-created_at", "-id")
    for row in surveys:
        found[row.pk] = SurveyOutreach(row)
    rows = invitations.values_list("survey_id", "status").annotate(
        n=Count("id"),
        sent=Count("id", filter=Q(sent_at__isnull=False)),
        opened=Count("id", filter=Q(opened_at__isnull=False)),
    )
    for survey_id, status, n, sent, opened in rows:
        found[survey_id].by_status[status] = n
        found[survey_id].sent += sent
        found[survey_id].opened += opened
    skips = decisions.values_list("survey_id", "kind", "reason_code").annotate(n=Count("id"))
    for survey_id, kind, code, n in skips:
        found[survey_id].skipped[(kind, code)] = n
    return list(found.values())


def list_triggers(survey: Survey) -> QuerySet[SurveyTrigger]:
    return SurveyTrigger.objects.filter(survey=survey).order_by("event_name")


def invitation_by_token(token: str) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("survey", "customer", "organization"), token=token
    )
