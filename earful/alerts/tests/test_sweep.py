"""`earful alerts-sweep` and the worker's sweeper thread."""

from __future__ import annotations

import threading
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from earful.alerts.models import Alert, Delivery, RuleKind
from earful.alerts.services import start_sweeper
from earful.alerts.tests.conftest import email_destination, make_item, make_rule


def test_the_sweep_command_fires_what_was_missed_and_delivers_it(org):
    make_rule(org, RuleKind.NEGATIVE_REVIEW, [email_destination(org)])
    make_item(org, "Awful", channel="review", score=1, received_at=timezone.now())
    out = StringIO()
    call_command("alerts_sweep", stdout=out)
    assert out.getvalue().strip() == ("fired 1, sent 1, failed 0, requeued 0, digests scheduled 0")
    assert Alert.objects.count() == 1
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().status == "sent"
    call_command("alerts_sweep", stdout=StringIO())
    assert Alert.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_sweeper_runs_in_a_thread_until_told_to_stop():
    stop = start_sweeper(60)
    names = [t.name for t in threading.enumerate()]
    assert "earful-alerts" in names
    stop.set()
    for thread in threading.enumerate():
        if thread.name == "earful-alerts":
            thread.join(timeout=5)
    assert "earful-alerts" not in [t.name for t in threading.enumerate()]
