"""Opening cases: automatically when an alert whose rule says "open a case" fires, or by hand
from a feedback item, a customer or an alert. One open case per subject and cause: a partial
unique index decides, so two workers handling two alerts at once never open two; the loser
attaches its item to the winner's case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from earful.accounts.models import Member, Organization
from earful.alerts.models import Alert, RuleKind
from earful.alerts.services.matching import SURVEY_PREFIX
from earful.cases.models import (
    OPEN_STATUSES,
    AccountOwner,
    AgentProfile,
    Assignment,
    Case,
    CaseItem,
    CaseNote,
    CaseSettings,
    Cause,
    NoteKind,
    NotificationKind,
    Priority,
)
from earful.cases.services.calendars import CASE_ROLES, business_calendar, settings_of
from earful.cases.services.errors import CasesInvalid
from earful.cases.services.notifying import case_link, queue_notification
from earful.customers.models import Customer
from earful.feedback.models import FeedbackItem
from earful.surveys.models import TrustMode

CAUSE_OF_RULE: dict[str, str] = {
    RuleKind.DETRACTOR: Cause.DETRACTOR,
    RuleKind.NEGATIVE_REVIEW: Cause.NEGATIVE_REVIEW,
    RuleKind.KEY_ACCOUNT_HESITANT: Cause.HESITANT,
    RuleKind.THEME_SPIKE: Cause.THEME_SPIKE,
    RuleKind.VIRAL_RISK: Cause.VIRAL_POST,
}


@dataclass(frozen=True)
class Subject:
    """Who or what a case is about: a customer, else an anonymous item, response or theme."""

    key: str
    customer: Customer | None = None
    anonymous: bool = False


def subject_of(
    *,
    customer: Customer | None = None,
    item: FeedbackItem | None = None,
    alert: Alert | None = None,
) -> Subject:
    if alert is not None:
        response = alert.response
        anonymous = response is not None and response.survey.trust_mode != TrustMode.IDENTIFIED
        customer = customer or (None if anonymous else (response.customer if response else None))
        item = item or alert.item
        if customer is None and item is not None and item.customer_id and not anonymous:
            customer = item.customer
        if customer is not None:
            return Subject(f"customer:{customer.pk}", customer)
        if item is not None:
            return Subject(f"item:{item.pk}", anonymous=anonymous or _anonymous_item(item))
        if response is not None:
            return Subject(f"response:{response.pk}", anonymous=anonymous)
        if alert.theme_id:
            return Subject(f"theme:{alert.theme_id}")
        return Subject(f"alert:{alert.pk}")
    if customer is not None:
        return Subject(f"customer:{customer.pk}", customer)
    if item is not None:
        if item.customer_id:
            return Subject(f"customer:{item.customer_id}", item.customer)
        return Subject(f"item:{item.pk}", anonymous=_anonymous_item(item))
    raise CasesInvalid([("subject", "give a customer, a feedback item or an alert")])


def _anonymous_item(item: FeedbackItem) -> bool:
    """A survey item with no customer came from a pseudonymous or trustee survey."""
    return item.channel == "survey" and item.customer_id is None


def open_case(
    *,
    organization: Organization,
    subject: Subject,
    cause: str,
    title: str,
    now: datetime,
    item: FeedbackItem | None = None,
    alert: Alert | None = None,
    owner: Member | None = None,
    priority: str | None = None,
    opened_by: Member | None = None,
) -> tuple[Case, bool]:
    """Opens a case, or attaches `item` to the open one for this subject and cause. Returns
    (case, opened)."""
    errors = []
    if cause not in Cause.values:
        errors.append(("cause", f"must be one of: {', '.join(Cause.values)}"))
    if priority is not None and priority not in Priority.values:
        errors.append(("priority", f"must be one of: {', '.join(Priority.values)}"))
    if owner is not None and owner.organization_id != organization.pk:
        errors.append(("owner", "is not a member of this organization"))
    if owner is not None and owner.role not in CASE_ROLES:
        errors.append(("owner", "this member's role does not work cases"))
    if errors:
        raise CasesInvalid(errors)
    existing = _open_case(organization, subject, cause)
    if existing is None:
        try:
            with transaction.atomic():
                case = _create(organization, subject, cause, title, now, alert, owner, priority)
                if item is not None:
                    _attach(case, item, now)
                who = f" by {opened_by.user.email}" if opened_by else ""
                _note(case, f"Opened{who}: {title}", now, opened_by)
            return case, True
        except IntegrityError:  # a concurrent alert opened it first
            existing = _open_case(organization, subject, cause)
            if existing is None:
                raise
    if item is not None and _attach(existing, item, now):
        _note(existing, f"Another item attached: “{item.text[:120]}”", now, opened_by)
    return existing, False


def _open_case(organization: Organization, subject: Subject, cause: str) -> Case | None:
    return Case.objects.filter(
        organization=organization, subject_key=subject.key, cause=cause, status__in=OPEN_STATUSES
    ).first()


def _create(
    organization: Organization,
    subject: Subject,
    cause: str,
    title: str,
    now: datetime,
    alert: Alert | None,
    owner: Member | None,
    priority: str | None,
) -> Case:
    settings = settings_of(organization)
    priority = priority or settings.priority_for(cause)
    respond, resolve = settings.target_minutes(priority)
    calendar = business_calendar(organization.pk, settings)
    owner = owner or choose_owner(settings, subject.customer)
    case = Case.objects.create(
        organization=organization,
        subject_key=subject.key,
        customer=subject.customer,
        anonymous=subject.anonymous,
        cause=cause,
        title=title[:300],
        alert=alert,
        owner=owner,
        priority=priority,
        opened_at=now,
        respond_by=calendar.add_minutes(now, respond),
        resolve_by=calendar.add_minutes(now, resolve),
    )
    if owner is not None:
        notify_assigned(case, owner, now)
    return case


def notify_assigned(case: Case, owner: Member, now: datetime) -> None:
    queue_notification(
        key=f"assigned:{case.pk}:{owner.pk}:{now.isoformat()}",
        kind=NotificationKind.ASSIGNED,
        member=owner,
        case=case,
        subject=f"[Earful] Case assigned to you: {case.title}",
        body=(
            f"{case.title}\n\nPriority {case.priority}; first response due "
            f"{case.respond_by:%Y-%m-%d %H:%M} UTC.\n\n{case_link(case)}\n"
        ),
        now=now,
    )


def choose_owner(settings: CaseSettings, customer: Customer | None) -> Member | None:
    """The account's owner when the org assigns that way and the account has one; else the
    next case-working member after the last one given a case (round-robin, by member id)."""
    if settings.assignment == Assignment.ACCOUNT_OWNER and customer and customer.account_id:
        owner = AccountOwner.objects.filter(account_id=customer.account_id).first()
        if owner is not None:
            return owner.member
    with transaction.atomic():
        locked = CaseSettings.objects.select_for_update().get(pk=settings.pk)
        out = AgentProfile.objects.filter(takes_cases=False).values("member_id")
        members = list(
            Member.objects.filter(organization_id=settings.organization_id, role__in=CASE_ROLES)
            .exclude(pk__in=out)
            .order_by("pk")
        )
        if not members:
            return None
        after = [m for m in members if locked.last_assigned_id and m.pk > locked.last_assigned_id]
        chosen = (after or members)[0]
        locked.last_assigned = chosen
        locked.save(update_fields=["last_assigned", "updated_at"])
        settings.last_assigned = chosen
    return chosen


def _attach(case: Case, item: FeedbackItem, now: datetime) -> bool:
    if CaseItem.objects.filter(case=case, item=item).exists():
        return False
    CaseItem.objects.create(case=case, item=item, added_at=now)
    return True


def _note(case: Case, text: str, now: datetime, author: Member | None = None) -> None:
    CaseNote.objects.create(
        case=case, author=author, kind=NoteKind.SYSTEM, text=text, created_at=now
    )


def open_cases_for_alerts(*, alert_ids: list[int], now: datetime) -> int:
    """For each alert whose rule says "open a case": open one, or attach to the open one.
    Idempotent: an alert already handled attaches nothing new. The number opened."""
    alerts = Alert.objects.filter(pk__in=alert_ids, rule__open_case=True).select_related(
        "organization", "item__customer", "response__survey", "response__customer"
    )
    opened = 0
    for alert in alerts:
        cause = CAUSE_OF_RULE.get(alert.kind)
        if cause is None:
            continue
        items = _alert_items(alert)
        case, new = open_case(
            organization=alert.organization,
            subject=subject_of(alert=alert),
            cause=cause,
            title=alert.summary,
            now=now,
            item=items[0] if items else None,
            alert=alert,
        )
        for item in items[1:]:
            _attach(case, item, now)
        opened += new
    return opened


def _alert_items(alert: Alert) -> list[FeedbackItem]:
    """The alert's item, or the feedback items of its survey response (its comments)."""
    if alert.item is not None:
        return [alert.item]
    if alert.response is None:
        return []
    return list(
        FeedbackItem.objects.filter(
            organization_id=alert.organization_id,
            source_key__startswith=f"{SURVEY_PREFIX}{alert.response.uid}",
        ).order_by("pk")
    )


def open_case_by_hand(
    *,
    member: Member,
    now: datetime,
    customer: Customer | None = None,
    item: FeedbackItem | None = None,
    alert: Alert | None = None,
    title: str = "",
    owner: Member | None = None,
    priority: str | None = None,
) -> tuple[Case, bool]:
    """From a feedback item, a customer page or an alert; the member owns it unless told."""
    subject = subject_of(customer=customer, item=item, alert=alert)
    default = alert.summary if alert else (f"Follow up with {customer}" if customer else "")
    title = (title or default or (f"Follow up on “{item.text[:80]}”" if item else "")).strip()
    if not title:
        raise CasesInvalid([("title", "is required")])
    if owner is None and member.role in CASE_ROLES:
        owner = member
    return open_case(
        organization=member.organization,
        subject=subject,
        cause=Cause.MANUAL if alert is None else CAUSE_OF_RULE.get(alert.kind, Cause.MANUAL),
        title=title,
        now=now,
        item=item or (alert.item if alert else None),
        alert=alert,
        owner=owner,
        priority=priority,
        opened_by=member,
    )
