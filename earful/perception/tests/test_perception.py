"""The perception gap: staff predict before the answers, the gap shows once the round locks."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.accounts.roles import Role
from earful.accounts.services import add_member
from earful.perception.models import PredictionRound
from earful.perception.services import create_round, create_team, predict
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey


def send(client, method, url, body):
    return getattr(client, method)(
        url, json.dumps(body, default=str), content_type="application/json"
    )


@pytest.fixture
def survey(alice):
    survey = make_survey(alice.organization)
    # Planted truth: 10 answers, 2 promoters, 3 passives, 5 detractors: NPS -30, 20% highly.
    for i, score in enumerate([9, 10, 7, 8, 7, 0, 3, 5, 6, 2]):
        submit_response(survey=survey, answers={"nps": score}, key=f"k{i}")
    return survey


def make_round(alice, survey, *, locked: bool) -> PredictionRound:
    now = timezone.now()
    return create_round(
        organization=alice.organization,
        name="Q4 relationship",
        survey=survey,
        period_start=now - timedelta(days=30),
        period_end=now + timedelta(days=1),
        locks_at=now - timedelta(seconds=1) if locked else now + timedelta(hours=1),
    )


def staff(alice, count):
    members = [
        add_member(organization=alice.organization, email=f"agent{i}@a.test", role=Role.AGENT)[0]
        for i in range(count)
    ]
    create_team(organization=alice.organization, name="Support", member_ids=[m.pk for m in members])
    return members


def test_staff_who_expect_delight_show_a_positive_gap_once_the_round_locks(alice, survey):
    open_round = make_round(alice, survey, locked=False)
    for member in staff(alice, 3):
        predict(prediction_round=open_round, member=member, score=40, highly_satisfied_pct=80)
    PredictionRound.objects.filter(pk=open_round.pk).update(locks_at=timezone.now())
    gap = alice.api.get(f"/api/v1/perception/rounds/{open_round.pk}/gap").json()
    assert gap["actual_score"]["value"] == -30.0
    assert gap["actual_share"]["value"] == 20.0
    assert gap["score_gap"]["value"] == 70.0
    assert gap["share_gap"]["value"] == 60.0
    assert gap["share_gap"]["low"] < 60.0 < gap["share_gap"]["high"]
    assert [t["team"] for t in gap["teams"]] == ["Support"]


def test_the_customers_side_is_hidden_until_the_round_locks(alice, survey):
    open_round = make_round(alice, survey, locked=False)
    gap = alice.api.get(f"/api/v1/perception/rounds/{open_round.pk}/gap").json()
    assert gap["actual_score"]["value"] is None
    assert "once predictions lock" in gap["withheld"]


def test_a_prediction_after_the_lock_is_refused_naming_the_round(alice, survey):
    locked = make_round(alice, survey, locked=True)
    url = f"/api/v1/perception/rounds/{locked.pk}/prediction"
    response = send(alice.api, "put", url, {"score": 10, "highly_satisfied_pct": 50})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "round"


def test_a_score_outside_the_scale_is_refused_naming_the_field(alice, survey):
    url = f"/api/v1/perception/rounds/{make_round(alice, survey, locked=False).pk}/prediction"
    response = send(alice.api, "put", url, {"score": 150, "highly_satisfied_pct": 50})
    assert response.json()["detail"][0]["field"] == "score"


def test_a_team_of_fewer_than_three_predictions_is_not_shown(alice, survey):
    open_round = make_round(alice, survey, locked=False)
    for member in staff(alice, 2):
        predict(prediction_round=open_round, member=member, score=0, highly_satisfied_pct=30)
    PredictionRound.objects.filter(pk=open_round.pk).update(locks_at=timezone.now())
    assert alice.api.get(f"/api/v1/perception/rounds/{open_round.pk}/gap").json()["teams"] == []


def test_a_member_sees_only_their_own_prediction_and_admins_see_all(alice, survey):
    open_round = make_round(alice, survey, locked=False)
    agents = staff(alice, 2)
    for agent in agents:
        predict(prediction_round=open_round, member=agent, score=5, highly_satisfied_pct=40)
    agent_api = Client(headers={"Authorization": "Bearer " + _token(agents[0])})
    assert len(agent_api.get(f"/api/v1/perception/rounds/{open_round.pk}/predictions").json()) == 1
    assert len(alice.api.get(f"/api/v1/perception/rounds/{open_round.pk}/predictions").json()) == 2


def _token(member):
    from earful.accounts.services import create_api_token

    return create_api_token(member=member, name="t").raw


def test_staff_without_a_login_predict_through_their_link(alice, survey):
    open_round = make_round(alice, survey, locked=False)
    invite = send(
        alice.api,
        "post",
        f"/api/v1/perception/rounds/{open_round.pk}/invites",
        {"name": "Sam at the till"},
    )
    link = invite.json()["link"].split("testserver", 1)[1]
    assert Client().post(link, {"score": "20", "highly_satisfied_pct": "55"}).status_code == 200
    assert open_round.predictions.get().invite.name == "Sam at the till"


def test_a_round_must_lock_before_its_period_ends(alice, survey):
    now = timezone.now()
    response = send(
        alice.api,
        "post",
        "/api/v1/perception/rounds",
        {
            "name": "late",
            "survey": survey.pk,
            "period_start": now - timedelta(days=2),
            "period_end": now - timedelta(days=1),
            "locks_at": now,
        },
    )
    assert response.json()["detail"][0]["field"] == "locks_at"


def test_charlie_gets_404_for_another_organizations_round(alice, charlie, survey):
    open_round = make_round(alice, survey, locked=False)
    assert charlie.api.get(f"/api/v1/perception/rounds/{open_round.pk}/gap").status_code == 404
    url = f"/api/v1/perception/rounds/{open_round.pk}/prediction"
    assert send(charlie.api, "put", url, {"score": 1, "highly_satisfied_pct": 1}).status_code == 404
    assert charlie.client.get(f"/perception/rounds/{open_round.pk}/").status_code == 404
    body = {
        "name": "x",
        "survey": survey.pk,
        "period_start": timezone.now(),
        "period_end": timezone.now() + timedelta(days=1),
        "locks_at": timezone.now(),
    }
    assert (
        send(charlie.api, "post", "/api/v1/perception/rounds", body).json()["detail"][0]["field"]
        == "survey"
    )


def test_the_pages_show_the_round_and_the_history(alice, survey):
    locked = make_round(alice, survey, locked=True)
    assert alice.client.get("/perception/").status_code == 200
    page = alice.client.get(f"/perception/rounds/{locked.pk}/")
    assert b"Customers said" in page.content


def test_the_gap_costs_the_same_queries_whatever_the_answers(alice, survey):
    locked = make_round(alice, survey, locked=True)
    url = f"/api/v1/perception/rounds/{locked.pk}/gap"
    alice.api.get(url)
    with CaptureQueriesContext(connection) as few:
        alice.api.get(url)
    for i in range(20):
        submit_response(survey=survey, answers={"nps": i % 11}, key=f"more{i}")
    with CaptureQueriesContext(connection) as many:
        alice.api.get(url)
    assert len(many) == len(few)
