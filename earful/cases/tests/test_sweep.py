"""The sweep escalates each breach once to the owner and the team lead, reminds owners of
commitments due, and sends through the members' outbox (retried, never twice)."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from earful.cases.models import CaseNotification
from earful.cases.services import make_commitment, sweep_cases, update_case_settings
from earful.cases.tests.conftest import NOW, a_case, agent, customer, wall


def test_a_breach_is_escalated_once_to_owner_and_team_lead(org, alice, dana):
    update_case_settings(organization=org, team_lead=alice.member)
    case = a_case(org, owner=dana)
    early = sweep_cases(now=case.respond_by - timedelta(minutes=1))
    assert (early.escalated, early.sent) == (0, 1)  # only "assigned to you"
    mail.outbox.clear()
    report = sweep_cases(now=case.respond_by + timedelta(minutes=1))
    assert report.escalated == 1
    assert report.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@a.test", "dana@a.test"]
    assert "Breaching (first response)" in mail.outbox[0].subject
    again = sweep_cases(now=case.respond_by + timedelta(hours=1))
    assert (again.escalated, again.sent) == (0, 0)


def test_a_failed_email_is_retried_later_not_lost(org, dana, settings):
    settings.EMAIL_BACKEND = "earful.cases.tests.test_sweep.Broken"
    case = a_case(org, owner=dana)
    sweep_cases(now=case.respond_by + timedelta(minutes=1))
    row = CaseNotification.objects.get(kind="response_breach")
    assert (row.state, row.attempts) == ("queued", 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep_cases(now=case.respond_by + timedelta(hours=1)).sent == 2  # with "assigned"


def test_owners_are_reminded_of_commitments_once_inside_their_hours(org):
    pat = agent(org, "pat@a.test", "Europe/Paris")
    promise = make_commitment(
        customer=customer(org, "America/New_York"),
        what="Send the corrected invoice",
        owner=pat,
        due_local=wall("2026-03-11 10:00"),
        now=NOW,
    )
    assert promise.reminder_at == wall("2026-03-11 13:00").replace(tzinfo=NOW.tzinfo)
    mail.outbox.clear()
    assert sweep_cases(now=promise.reminder_at - timedelta(minutes=1)).reminded == 0
    assert sweep_cases(now=promise.reminder_at).reminded == 1
    assert sweep_cases(now=promise.reminder_at + timedelta(minutes=5)).reminded == 0
    [email] = mail.outbox
    assert email.to == ["pat@a.test"]
    assert "10:00 America/New_York (customer time)" in email.body


class Broken:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("smtp down")
