"""What the contact budget would do: daily sends of every survey, simulated in memory.

Reads the organization's customers, surveys, settings, events and past messages, then applies
the same rules as the real sends (budget, send windows, one reminder, journey triggers), day by
day, without writing anything. Assumes nobody answers: the worst case for reminders.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from earful.accounts.models import Organization
from earful.customers.models import Customer, CustomerEvent
from earful.outreach import selectors
from earful.outreach.budget import (
    INVITATION,
    REMINDER,
    Budget,
    Contact,
    budget_refusal,
    reachability_refusal,
)
from earful.outreach.models import SurveyOutreachSettings, SurveyTrigger
from earful.outreach.window import next_send_time
from earful.surveys.models import Survey, SurveyStatus


@dataclass
class SimulationReport:
    days: int
    surveys: int
    customers: int
    invitations: int = 0
    reminders: int = 0
    triggered: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # invitations, by reason
    skipped_reminders: Counter[str] = field(default_factory=Counter)
    asked: set[int] = field(default_factory=set)
    messages: Counter[int] = field(default_factory=Counter)

    @property
    def most_messages(self) -> int:
        return max(self.messages.values(), default=0)


@dataclass(frozen=True)
class _Survey:
    survey: Survey
    conf: SurveyOutreachSettings


class _Simulator:
    def __init__(self, organization: Organization, start: datetime, days: int) -> None:
        self.budget: Budget = selectors.policy_for(organization).budget
        self.customers = list(
            Customer.objects.filter(organization=organization).order_by("external_id")
        )
        surveys = Survey.objects.filter(organization=organization, status=SurveyStatus.PUBLISHED)
        self.surveys = [_Survey(s, selectors.settings_for(s)) for s in surveys.order_by("pk")]
        self.history: dict[int, list[Contact]] = selectors.contacts_by_customer(
            [c.pk for c in self.customers], since=start - self.budget.look_back
        )
        self.reminders: list[tuple[datetime, Customer, _Survey]] = []
        self.report = SimulationReport(days, len(self.surveys), len(self.customers))
        self.events = self._events(organization, start, days)

    def _events(
        self, organization: Organization, start: datetime, days: int
    ) -> dict[int, list[tuple[datetime, Customer, _Survey]]]:
        """Trigger invitations by the simulated day they fall due."""
        by_id = {c.pk: c for c in self.customers}
        surveys = {s.survey.pk: s for s in self.surveys}
        due: dict[int, list[tuple[datetime, Customer, _Survey]]] = defaultdict(list)
        for trigger in SurveyTrigger.objects.filter(organization=organization, active=True):
            if trigger.survey_id not in surveys:
                continue
            delay = timedelta(hours=trigger.delay_hours)
            events = CustomerEvent.objects.filter(
                organization=organization,
                name=trigger.event_name,
                occurred_at__gt=start - delay - timedelta(days=1),
                occurred_at__lte=start + timedelta(days=days) - delay,
            ).values_list("customer_id", "occurred_at")
            for customer_id, occurred_at in events:
                day = max(0, (occurred_at + delay - start).days + 1)
                due[day].append(
                    (occurred_at + delay, by_id[customer_id], surveys[trigger.survey_id])
                )
        return due

    def _send(self, customer: Customer, target: _Survey, now: datetime, kind: str) -> None:
        at = next_send_time(now, customer.timezone, target.conf.window)
        self.history[customer.pk].append(Contact(at, kind, target.survey.pk, target.survey.title))
        self.report.messages[customer.pk] += 1
        if kind == INVITATION:
            self.report.invitations += 1
            self.report.asked.add(customer.pk)
            if target.conf.reminder_after_days:
                remind_at = at + timedelta(days=target.conf.reminder_after_days)
                self.reminders.append((remind_at, customer, target))
        else:
            self.report.reminders += 1

    def _decide(self, customer: Customer, target: _Survey, now: datetime, kind: str) -> bool:
        refusal = reachability_refusal(
            email=customer.email, unsubscribed=customer.unsubscribed_at is not None
        ) or budget_refusal(
            contacts=self.history[customer.pk],
            survey_id=target.survey.pk,
            recontact_days=target.conf.recontact_days,
            budget=self.budget,
            now=now,
            kind=kind,
        )
        if refusal is not None:
            skipped = self.report.skipped if kind == INVITATION else self.report.skipped_reminders
            skipped[refusal.code] += 1
            return False
        self._send(customer, target, now, kind)
        return True

    def day(self, number: int, now: datetime) -> None:
        due = [r for r in self.reminders if r[0] <= now]
        self.reminders = [r for r in self.reminders if r[0] > now]
        for _, customer, target in due:
            self._decide(customer, target, now, REMINDER)
        for at, customer, target in self.events.get(number, []):
            if self._decide(customer, target, max(at, now - timedelta(days=1)), INVITATION):
                self.report.triggered += 1
        for target in self.surveys:
            for customer in self.customers:
                self._decide(customer, target, now, INVITATION)


def simulate_contacts(
    *,
    organization: Organization,
    days: int,
    start: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationReport:
    """Each published survey invites every customer it may, once a day, for `days` days."""
    start = (start or timezone.now()).replace(minute=0, second=0, microsecond=0)
    simulator = _Simulator(organization, start, days)
    for number in range(days):
        simulator.day(number, start + timedelta(days=number))
        if progress:
            progress(number + 1)
    return simulator.report
