from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from earful.ideas.identity import sign_who
from earful.ideas.models import Idea
from earful.ideas.services import board
from earful.surveys.tests.factories import make_survey


def _idea(alice, title="Dark mode for the dashboard") -> Idea:
    return board.post_idea(organization=alice.organization, author=None, title=title)


def _who(alice, customer) -> str:
    return sign_who(organization_id=alice.organization.pk, customer_id=customer.pk)


def test_a_customer_posts_and_votes_through_the_public_api(alice, make_customer, slug):
    ann, ben = make_customer("Ann"), make_customer("Ben")
    posted = Client().post(
        f"/api/v1/public/boards/{slug}/ideas",
        {"who": _who(alice, ann), "title": "Export invoices to CSV"},
        content_type="application/json",
    )
    assert posted.status_code == 201
    url = f"/api/v1/public/boards/{slug}/ideas/{posted.json()['id']}/votes"
    body = {"who": _who(alice, ben)}
    first = Client().post(url, body, content_type="application/json").json()
    again = Client().post(url, body, content_type="application/json").json()
    assert first == {"added": True, "vote_count": 2}
    assert again == {"added": False, "vote_count": 2}


def test_a_forged_who_is_refused(alice, slug):
    reply = Client().post(
        f"/api/v1/public/boards/{slug}/ideas",
        {"who": "1:forged", "title": "Export invoices to CSV"},
        content_type="application/json",
    )
    assert reply.status_code == 401
    assert reply.json()["detail"][0]["field"] == "who"


def test_a_bad_status_is_a_422_naming_the_field(alice):
    idea = _idea(alice)
    reply = alice.api.patch(
        f"/api/v1/ideas/{idea.pk}", {"status": "maybe"}, content_type="application/json"
    )
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["field"] == "status"


def test_staff_ship_an_idea_and_read_who_hears_it(alice, make_customer):
    idea = _idea(alice)
    board.cast_vote(idea=idea, customer=make_customer("Ann"))
    reply = alice.api.post(
        f"/api/v1/ideas/{idea.pk}/ship",
        {"subject": "Dark mode is here", "body": "Settings > Appearance > Dark."},
        content_type="application/json",
    )
    assert reply.status_code == 201
    assert [d["asked"] for d in reply.json()["deliveries"]] == ["voter"]
    changelog = Client().get(f"/api/v1/public/boards/{alice.organization.slug}/changelog")
    assert changelog.json()[0]["subject"] == "Dark mode is here"


def test_a_draw_tied_to_reviews_is_refused_through_the_api(alice):
    survey = make_survey(alice.organization, prize_draw=True)
    reply = alice.api.post(
        f"/api/v1/ideas/draws/{survey.pk}",
        {"prize": "A bike", "beacon_name": "Bitcoin block 900000 hash", "eligibility": "review"},
        content_type="application/json",
    )
    assert reply.status_code == 422
    assert "16 CFR 465" in reply.json()["detail"][0]["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/ideas/{id}"),
        ("patch", "/api/v1/ideas/{id}"),
        ("get", "/api/v1/ideas/{id}/links"),
        ("post", "/api/v1/ideas/{id}/links"),
        ("get", "/api/v1/ideas/{id}/link-suggestions"),
        ("post", "/api/v1/ideas/{id}/ship"),
        ("post", "/api/v1/ideas/{id}/merge"),
        ("get", "/api/v1/ideas/{id}/release-note"),
        ("put", "/api/v1/ideas/results/{survey}"),
        ("get", "/api/v1/ideas/draws/{survey}"),
    ],
)
def test_charlie_gets_404_on_every_staff_endpoint(alice, charlie, method, path):
    idea, survey = _idea(alice), make_survey(alice.organization)
    bodies = {"post": {"item_ids": [1], "into": idea.pk, "subject": "x", "body": "y"}}
    url = path.format(id=idea.pk, survey=survey.pk)
    reply = getattr(charlie.api, method)(
        url, bodies.get(method, {}), content_type="application/json"
    )
    assert reply.status_code == 404


def test_the_ideas_list_endpoint_reads_a_fixed_number_of_queries(alice):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice.api.get("/api/v1/ideas").status_code == 200
        return len(queries)

    _idea(alice, "One idea here")
    count()  # the token's first use is written once
    few = count()
    for i in range(5):
        _idea(alice, f"Another idea {i}")
    assert count() == few


def test_similar_ideas_through_the_public_api(alice, slug):
    _idea(alice, "Export invoices to CSV")
    found = Client().get(f"/api/v1/public/boards/{slug}/similar", {"title": "csv invoices export"})
    assert found.json()[0]["title"] == "Export invoices to CSV"
