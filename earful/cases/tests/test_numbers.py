"""The numbers: rates and business-time percentiles per owner and for the team, from SQL."""

from __future__ import annotations

from datetime import timedelta

from earful.cases.models import Case, Commitment
from earful.cases.numbers import case_numbers, detractor_follow_up
from earful.cases.tests.conftest import NOW, a_case, agent, customer
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey

SINCE, UNTIL = NOW - timedelta(days=30), NOW + timedelta(days=30)


def _case(org, owner, response, resolution, in_target=True, reopened=0):
    case = a_case(org, owner=owner)
    Case.objects.filter(pk=case.pk).update(
        first_response_at=NOW,
        first_response_minutes=response,
        responded_in_target=True,
        resolved_at=NOW if resolution is not None else None,
        resolution_minutes=resolution,
        resolved_in_target=in_target if resolution is not None else None,
        reopened_count=reopened,
        status="resolved" if resolution is not None else "in_progress",
    )


def _promise(org, owner, outcome):
    Commitment.objects.create(
        organization=org,
        customer=customer(org),
        what="x",
        owner=owner,
        due_at=NOW,
        timezone="UTC",
        reminder_at=NOW,
        outcome=outcome,
    )


def test_medians_p90_and_rates_per_owner_and_team(org):
    pat, lee = agent(org, "pat@a.test"), agent(org, "lee@a.test")
    for minutes in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100):
        _case(org, pat, minutes, minutes * 10, in_target=minutes <= 80, reopened=int(minutes == 50))
    _case(org, lee, 5, None)
    for outcome in ("kept_early", "kept", "kept", "missed", ""):
        _promise(org, pat, outcome)
    n = case_numbers(org, since=SINCE, until=UNTIL)
    by = {o.owner: o for o in n.owners}
    p = by["pat@a.test"]
    assert (p.cases, p.resolved) == (10, 10)
    assert (p.first_response_median, p.first_response_p90) == (50, 90)
    assert (p.resolution_median, p.resolution_p90) == (500, 900)
    assert (p.inside_target, p.reopened_rate) == (80.0, 10.0)
    assert (p.kept_rate, p.exceeded_rate, p.missed, p.commitments_open) == (75.0, 25.0, 1, 1)
    assert by["lee@a.test"].first_response_median == 5
    assert by["lee@a.test"].resolution_median is None
    assert (n.team.cases, n.team.first_response_median) == (11, 50)
    assert n.weeks
    assert sum(w[1] for w in n.weeks) == 11


def test_detractors_next_answer_with_and_without_a_case(org):
    survey = make_survey(org)
    helped, ignored = customer(org), customer(org)
    for who in (helped, ignored):
        submit_response(
            survey=survey, answers={"nps": 2}, customer=who, submitted_at=NOW - timedelta(days=9)
        )
    a_case(org, helped, now=NOW - timedelta(days=8))
    submit_response(
        survey=survey, answers={"nps": 9}, customer=helped, submitted_at=NOW - timedelta(days=1)
    )
    submit_response(
        survey=survey, answers={"nps": 5}, customer=ignored, submitted_at=NOW - timedelta(days=1)
    )
    follow = detractor_follow_up(org, SINCE, UNTIL)
    assert follow.with_case == {"highly_satisfied": 1}
    assert follow.without_case == {"dissatisfied": 1}
    assert (follow.with_case_moved_up, follow.without_case_moved_up) == (100.0, 0.0)
    assert "Not an experiment" in follow.caveat
