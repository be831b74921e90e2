# ruff: noqa: E501  (the printed steps read best one per line)
"""The walk end to end, on a frozen clock: an NPS 3 answer -> alert -> case auto-opened and
assigned -> first response -> a commitment due "tomorrow 10:00" customer time -> reminder in
the owner's hours -> kept -> resolved -> the numbers. Run with -s to read the steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from earful.alerts.models import Alert, RuleKind
from earful.alerts.services import evaluate_periodic
from earful.alerts.tests.conftest import make_rule
from earful.cases.models import AccountOwner, Assignment, Case
from earful.cases.numbers import case_numbers
from earful.cases.services import (
    add_note,
    add_root_cause,
    change_status,
    make_commitment,
    record_outcome,
    sweep_cases,
    update_case_settings,
)
from earful.cases.tests.conftest import agent, customer
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import QuestionSpec

NY, LONDON = ZoneInfo("America/New_York"), ZoneInfo("Europe/London")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock(datetime(2026, 3, 5, 13, 0, tzinfo=UTC))  # Thursday, 08:00 in New York
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


def step(text: str) -> None:
    print(f"  {text}")


def test_the_walk_from_a_detractor_to_a_kept_promise(
    org, alice, clock, django_capture_on_commit_callbacks
):
    update_case_settings(
        organization=org,
        timezone="Europe/London",
        team_lead=alice.member,
        assignment=Assignment.ACCOUNT_OWNER,
    )
    sam = agent(org, "sam@a.test", "Europe/London")
    jane = customer(org, "America/New_York", name="Jane Roe", email="jane@x.test")
    AccountOwner.objects.create(organization=org, account=jane.account, member=sam)
    rule = make_rule(org, RuleKind.DETRACTOR)
    from earful.alerts.services import update_rule

    update_rule(rule=rule, open_case=True)
    survey = make_survey(
        org, questions=(QuestionSpec(key="nps", type="nps", text="Recommend us?", comment=True),)
    )
    print()
    with django_capture_on_commit_callbacks(execute=True):
        submit_response(
            survey=survey,
            answers={"nps": 3, "nps_comment": "Billing charged me twice"},
            customer=jane,
            submitted_at=clock.now,
        )
        if not Alert.objects.exists():  # no comment item yet: the sweep judges the response
            evaluate_periodic(now=clock.now)
    step(f"{clock.now:%a %H:%M} UTC  Jane Roe (New York) answers NPS 3: “Billing charged me twice”")
    alert = Alert.objects.get()
    step(f"{alert.fired_at:%a %H:%M} UTC  alert fired: {alert.summary}")
    case = Case.objects.get()
    step(
        f"{case.opened_at:%a %H:%M} UTC  case #{case.pk} opened automatically ({case.cause}, "
        f"{case.priority}), owner {case.owner.user.email} (account owner); first response due "
        f"{case.respond_by:%a %H:%M} UTC (business hours, London)"
    )
    assert case.owner == sam
    assert [m.to for m in mail.outbox] == [["sam@a.test"]]  # "assigned to you"

    clock.now += timedelta(minutes=40)
    add_note(
        case=case,
        author=sam,
        text="Called Jane: refund of the double charge on its way",
        kind="reply",
        now=clock.now,
    )
    step(
        f"{clock.now:%a %H:%M} UTC  first response recorded after {case.first_response_minutes} business minutes (in target: {case.responded_in_target})"
    )
    assert case.first_response_minutes == 40

    jane_now = clock.now.astimezone(NY)
    tomorrow_10 = (jane_now + timedelta(days=1)).replace(
        hour=10, minute=0, second=0, microsecond=0, tzinfo=None
    )
    promise = make_commitment(
        customer=jane,
        case=case,
        what="Confirm the refund landed",
        owner=sam,
        due_local=tomorrow_10,
        now=clock.now,
    )
    step(
        f"{clock.now:%a %H:%M} UTC  commitment: “{promise.what}” due tomorrow 10:00 customer time = "
        f"{promise.due_at.astimezone(NY):%a %d %b %H:%M %Z} = {promise.due_at:%H:%M} UTC "
        f"= {promise.due_at.astimezone(LONDON):%H:%M %Z} for Sam"
    )
    assert promise.due_at == datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    step(
        f"{'':>15}reminder set for {promise.reminder_at.astimezone(LONDON):%a %H:%M %Z} (Sam's hours 09:00-17:00)"
    )

    clock.now = promise.reminder_at - timedelta(minutes=1)
    assert sweep_cases(now=clock.now).reminded == 0
    mail.outbox.clear()
    clock.now = promise.reminder_at
    report = sweep_cases(now=clock.now)
    step(
        f"{clock.now:%a %H:%M} UTC  sweep: {report}; email to {mail.outbox[0].to[0]}: “{mail.outbox[0].subject}”"
    )
    assert report.reminded == 1
    assert report.escalated == 0

    clock.now += timedelta(minutes=30)
    record_outcome(commitment=promise, outcome="kept", now=clock.now)
    step(
        f"{clock.now:%a %H:%M} UTC  commitment kept ({(promise.due_at - clock.now).seconds // 60} min before it was due)"
    )

    clock.now += timedelta(minutes=20)
    cause = add_root_cause(organization=org, name="Payment retried without idempotency key")
    change_status(
        case=case,
        status="resolved",
        by=sam,
        now=clock.now,
        what_was_done="Refunded the double charge, confirmed with Jane",
        root_cause_id=cause.pk,
    )
    step(
        f"{clock.now:%a %H:%M} UTC  case resolved after {case.resolution_minutes} business minutes "
        f"(in target: {case.resolved_in_target}); root cause: {case.root_cause}"
    )
    assert case.resolved_in_target is True

    numbers = case_numbers(
        org, since=clock.now - timedelta(days=30), until=clock.now + timedelta(days=1)
    )
    t = numbers.team
    step(
        f"numbers (30 days, team): cases {t.cases}, first response median {t.first_response_median} min "
        f"/ p90 {t.first_response_p90} min, resolution median {t.resolution_median} min, inside target "
        f"{t.inside_target}%, reopened {t.reopened_rate}%, promises kept {t.kept_rate}% "
        f"(early {t.exceeded_rate}%), missed {t.missed}"
    )
    assert (t.cases, t.kept_rate, t.inside_target) == (1, 100.0, 100.0)
    page = alice.client.get("/cases/numbers/")
    assert page.status_code == 200
    assert b"sam@a.test" in page.content
    step("numbers page: /cases/numbers/ lists sam@a.test and the team row")
