"""Working a case: the clocks stop at the first response, pause while waiting on the customer,
resolving needs what was done; a closed case is not edited; reopening counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from earful.cases.models import Status
from earful.cases.services import (
    CasesInvalid,
    add_note,
    add_root_cause,
    assign_case,
    change_status,
)
from earful.cases.tests.conftest import NOW, a_case


def test_targets_are_in_the_orgs_business_hours(org):
    case = a_case(org)  # Tuesday 15:00 in Paris, high priority: 4 h and 16 h of business time
    assert case.priority == "high"
    assert case.respond_by == datetime(2026, 3, 11, 10, 0, tzinfo=UTC)  # Wednesday 11:00 Paris
    assert case.resolve_by == datetime(2026, 3, 12, 14, 0, tzinfo=UTC)  # Thursday 15:00 Paris


def test_waiting_on_the_customer_pauses_the_resolution_clock(org, alice):
    case = a_case(org)
    change_status(case=case, status=Status.WAITING, by=alice.member, now=NOW + timedelta(hours=1))
    assert case.first_response_minutes == 60
    assert case.responded_in_target is True
    back = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)  # Wednesday 10:00 Paris: 2 business hours on
    change_status(case=case, status=Status.IN_PROGRESS, by=alice.member, now=back)
    assert case.paused_minutes == 120
    assert case.resolve_by == datetime(2026, 3, 12, 16, 0, tzinfo=UTC)  # moved 2 h later
    cause = add_root_cause(organization=org, name="Session timeout too short")
    done = datetime(2026, 3, 12, 15, 30, tzinfo=UTC)
    change_status(
        case=case,
        status=Status.RESOLVED,
        by=alice.member,
        now=done,
        what_was_done="Raised the timeout, called her back",
        root_cause_id=cause.pk,
    )
    assert case.resolution_minutes == 2 * 60 + 8 * 60 + 7 * 60 + 30 - 120
    assert case.resolved_in_target is True
    assert case.root_cause == cause
    kinds = list(case.notes.values_list("kind", flat=True))
    assert kinds.count("status") == 3


def test_resolving_needs_what_was_done_and_a_root_cause_of_this_org(org, alice, charlie):
    case = a_case(org)
    theirs = add_root_cause(organization=charlie.organization, name="Theirs")
    with pytest.raises(CasesInvalid) as caught:
        change_status(
            case=case, status="resolved", by=alice.member, now=NOW, root_cause_id=theirs.pk
        )
    assert [f for f, _ in caught.value.errors] == ["what_was_done", "root_cause"]


def test_a_reply_recorded_is_the_first_response(org, alice):
    case = a_case(org)
    add_note(case=case, author=alice.member, text="Internal: check logs", now=NOW)
    assert case.first_response_at is None
    add_note(
        case=case,
        author=alice.member,
        text="Called her",
        kind="reply",
        now=NOW + timedelta(minutes=30),
    )
    assert (case.first_response_minutes, case.status) == (30, "in_progress")


def test_a_closed_case_is_not_edited_until_reopened(org, alice, dana):
    case = a_case(org)
    change_status(case=case, status="resolved", by=alice.member, now=NOW, what_was_done="Refund")
    change_status(case=case, status="closed", by=alice.member, now=NOW)
    for edit in (
        lambda: add_note(case=case, author=alice.member, text="more", now=NOW),
        lambda: assign_case(case=case, owner=dana, by=alice.member, now=NOW),
        lambda: change_status(case=case, status="in_progress", by=alice.member, now=NOW),
    ):
        with pytest.raises(CasesInvalid, match="closed"):
            edit()
    change_status(case=case, status="reopened", by=alice.member, now=NOW)
    assert (case.status, case.reopened_count) == ("reopened", 1)


def test_an_owner_from_another_org_is_refused(org, alice, charlie):
    case = a_case(org)
    with pytest.raises(CasesInvalid) as caught:
        assign_case(case=case, owner=charlie.member, by=alice.member, now=NOW)
    assert caught.value.errors[0][0] == "owner"
