from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.ideas.models import Comment
from earful.ideas.services import board, releasing
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey


def test_the_idea_page_suggests_survey_comments_that_ask_for_it(alice, make_customer):
    survey = make_survey(alice.organization)
    submit_response(
        survey=survey,
        answers={"nps": 5, "nps_comment": "I wish I could export my invoices as a CSV file"},
        key="k1",
    )
    submit_response(
        survey=survey, answers={"nps": 9, "nps_comment": "Lovely staff in the shop"}, key="k2"
    )
    idea = board.post_idea(
        organization=alice.organization, author=None, title="Export invoices to CSV"
    )
    html = alice.client.get(f"/ideas/{idea.pk}/").content.decode()
    assert "export my invoices as a CSV" in html
    assert "Lovely staff" not in html


def test_the_idea_page_lists_who_heard_the_release_note(alice, make_customer):
    idea = board.post_idea(
        organization=alice.organization, author=make_customer("Ann"), title="Dark mode"
    )
    releasing.ship_idea(idea=idea, subject="Dark mode is here", body="Settings > Appearance.")
    html = alice.client.get(f"/ideas/{idea.pk}/").content.decode()
    assert "ann@x.test" in html
    assert "Posted the idea" in html


def test_staff_hide_a_comment_and_charlie_cannot(alice, charlie, make_customer):
    idea = board.post_idea(organization=alice.organization, author=None, title="Dark mode")
    comment = board.add_comment(idea=idea, customer=make_customer("Ann"), text="rude words")
    assert charlie.client.post(f"/ideas/comments/{comment.pk}/hide/").status_code == 404
    alice.client.post(f"/ideas/comments/{comment.pk}/hide/", {"value": "1"})
    assert Comment.objects.get(pk=comment.pk).hidden
    idea.refresh_from_db()
    assert idea.comment_count == 0


def test_a_viewer_reads_ideas_but_cannot_ship(alice, persona_with_role):
    viewer = persona_with_role("viewer")
    idea = board.post_idea(organization=alice.organization, author=None, title="Dark mode")
    assert viewer.client.get(f"/ideas/{idea.pk}/").status_code == 200
    reply = viewer.client.post(f"/ideas/{idea.pk}/ship/", {"subject": "x", "body": "y"})
    assert reply.status_code == 403


def test_the_idea_page_reads_a_fixed_number_of_queries(alice, make_customer):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice.client.get(f"/ideas/{idea.pk}/").status_code == 200
        return len(queries)

    idea = board.post_idea(organization=alice.organization, author=None, title="Dark mode")
    board.add_comment(idea=idea, customer=make_customer("Ann"), text="yes please")
    count()
    few = count()
    for name in ("Ben", "Cleo", "Dan"):
        board.add_comment(idea=idea, customer=make_customer(name), text="me too")
    assert count() == few
