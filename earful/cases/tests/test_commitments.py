"""Commitments are due at the customer's wall-clock time, DST included, with the reminder in
the owner's working hours; outcomes kept early, kept, missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from earful.cases.models import Commitment, Outcome
from earful.cases.services import CasesInvalid, make_commitment, record_outcome
from earful.cases.tests.conftest import agent, customer, wall


def _promise(org, who, owner, due_local, now, **kwargs):
    return make_commitment(
        customer=who,
        what="Call back about the refund",
        owner=owner,
        due_local=due_local,
        now=now,
        **kwargs,
    )


def test_ten_oclock_in_new_york_moves_an_hour_in_utc_when_the_us_springs_forward(org):
    paris_owner = agent(org, "pat@a.test", "Europe/Paris")
    ny = customer(org, "America/New_York")
    before = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)  # Friday: NY on EST, Paris on CET
    monday = _promise(org, ny, paris_owner, wall("2026-03-09 10:00"), before)
    friday = _promise(org, ny, paris_owner, wall("2026-03-06 10:00") + timedelta(hours=4), before)
    assert monday.due_at == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)  # EDT, UTC-4
    assert friday.due_at == datetime(2026, 3, 6, 19, 0, tzinfo=UTC)  # EST, UTC-5
    assert monday.timezone == "America/New_York"
    # Paris is still on winter time: the owner sees 15:00; the reminder is an hour before.
    assert monday.due_at.astimezone(ZoneInfo("Europe/Paris")).hour == 15
    assert monday.reminder_at == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


def test_ten_oclock_in_sydney_after_australia_falls_back(org):
    london_owner = agent(org, "lee@a.test", "Europe/London")
    sydney = customer(org, "Australia/Sydney")
    now = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)  # Thursday; Sydney leaves summer time Sunday
    monday = _promise(org, sydney, london_owner, wall("2026-04-06 10:00"), now)
    thursday = _promise(org, sydney, london_owner, wall("2026-04-03 10:00"), now)
    assert monday.due_at == datetime(2026, 4, 6, 0, 0, tzinfo=UTC)  # AEST, UTC+10
    assert thursday.due_at == datetime(2026, 4, 2, 23, 0, tzinfo=UTC)  # AEDT, UTC+11
    # 01:00 in London on Monday is outside the owner's hours: reminded Friday 16:30 BST.
    assert monday.reminder_at == datetime(2026, 4, 3, 15, 30, tzinfo=UTC)


def test_the_reminder_follows_the_owners_own_clock_change(org):
    paris_owner = agent(org, "pat@a.test", "Europe/Paris")
    tokyo = customer(org, "Asia/Tokyo")
    now = datetime(2026, 3, 26, 10, 0, tzinfo=UTC)  # Thursday; Paris springs forward Sunday
    promise = _promise(org, tokyo, paris_owner, wall("2026-03-30 10:00"), now)
    assert promise.due_at == datetime(2026, 3, 30, 1, 0, tzinfo=UTC)  # 03:00 CEST in Paris
    # Back to Friday, still on winter time (UTC+1): 16:30 in Paris is 15:30 UTC.
    assert promise.reminder_at == datetime(2026, 3, 27, 15, 30, tzinfo=UTC)


def test_a_reminder_with_no_working_time_left_is_sent_now(org, dana):
    ny = customer(org, "America/New_York")
    now = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 07:00 in Los Angeles
    soon = _promise(org, ny, dana, wall("2026-03-10 10:30"), now)
    assert soon.reminder_at == now


def test_bad_promises_are_refused_naming_the_field(org, dana, charlie):
    ny = customer(org, "America/New_York")
    now = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    cases = [
        ({"due_local": wall("2026-03-10 09:00")}, "due_local", "is in the past"),
        (
            {"due_local": wall("2026-03-08 02:30"), "timezone": "America/New_York"},
            "due_local",
            "does not exist",
        ),
        (
            {"due_local": wall("2026-03-12 09:00"), "timezone": "Mars/Olympus"},
            "timezone",
            "unknown time zone",
        ),
        (
            {"due_local": wall("2026-03-12 09:00"), "owner": charlie.member},
            "owner",
            "not a member",
        ),
    ]
    for given, field, words in cases:
        args = {"owner": dana, **given}
        with pytest.raises(CasesInvalid) as caught:
            make_commitment(customer=ny, what="Call", now=now, **args)
        assert caught.value.errors[0][0] == field
        assert words in caught.value.errors[0][1]
    assert not Commitment.objects.exists()


def test_outcomes_kept_early_kept_and_missed_with_a_reason(org, dana):
    ny = customer(org, "America/New_York")
    now = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    promise = _promise(org, ny, dana, wall("2026-03-11 10:00"), now)
    later = promise.due_at + timedelta(hours=2)
    with pytest.raises(CasesInvalid, match="record it as missed"):
        record_outcome(
            commitment=promise,
            outcome=Outcome.KEPT,
            done_at=promise.due_at + timedelta(minutes=5),
            now=later,
        )
    with pytest.raises(CasesInvalid, match="say why"):
        record_outcome(commitment=promise, outcome=Outcome.MISSED, now=later)
    early = record_outcome(
        commitment=promise,
        outcome=Outcome.KEPT_EARLY,
        done_at=promise.due_at - timedelta(hours=3),
        now=later,
    )
    assert early.outcome == "kept_early"
    missed = record_outcome(
        commitment=promise, outcome=Outcome.MISSED, reason="Refund system down", now=later
    )
    assert (missed.outcome, missed.missed_reason, missed.done_at) == (
        "missed",
        "Refund system down",
        None,
    )
