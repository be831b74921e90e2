from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from earful.customers.tests.factories import CustomerFactory
from earful.outreach.models import ContactDecision, Invitation, OutboundMessage
from earful.outreach.simulation import simulate_contacts
from earful.outreach.tests.conftest import NOW


def test_the_simulation_keeps_every_customer_within_the_cap_and_writes_nothing(
    alice, survey, other_survey
):
    CustomerFactory.create_batch(5, organization=alice.organization)

    report = simulate_contacts(organization=alice.organization, days=60, start=NOW)

    assert len(report.asked) == 5
    assert report.most_messages <= 8  # 4 per 30 days
    assert report.skipped["cooldown"] > 0
    assert report.skipped["recontact"] > 0
    assert not Invitation.objects.exists()
    assert not OutboundMessage.objects.exists()
    assert not ContactDecision.objects.exists()


def test_the_command_prints_a_table(alice, survey):
    CustomerFactory.create_batch(2, organization=alice.organization)
    out = StringIO()

    call_command("simulate_contacts", "--days", "10", "--org", alice.organization.slug, stdout=out)

    assert "customers asked" in out.getvalue()
    assert "most messages to one customer" in out.getvalue()


def test_the_earful_help_lists_the_outreach_commands():
    from earful import cli

    for command in ("earful outreach-sweep", "earful simulate-contacts", "earful import events"):
        assert command in (cli.__doc__ or "")
