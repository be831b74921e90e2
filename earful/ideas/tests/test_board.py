from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.ideas.identity import sign_who
from earful.ideas.models import DeliveryState, Idea, ReleaseDelivery, Status, Vote
from earful.ideas.services import board, releasing, similarity
from earful.ideas.services.errors import IdeasInvalid
from earful.outreach.models import MessageState, OutboundMessage


def _client(org, customer) -> Client:
    client = Client()
    client.get(f"/b/{org.slug}/?who={sign_who(organization_id=org.pk, customer_id=customer.pk)}")
    return client


def _idea(alice, author=None, title="Dark mode for the dashboard", **extra) -> Idea:
    return board.post_idea(organization=alice.organization, author=author, title=title, **extra)


def test_hostile_text_is_stored_as_given_and_shown_escaped(alice, make_customer, slug):
    ann = make_customer("Ann")
    hostile = '<script>alert("x")</script> dark mode'
    idea = _idea(alice, ann, title=hostile, description="<img src=x onerror=alert(1)>")
    assert Idea.objects.get(pk=idea.pk).title == hostile
    html = Client().get(f"/b/{slug}/ideas/{idea.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_a_vote_counts_once_per_person_even_at_the_database(alice, make_customer):
    ann = make_customer("Ann")
    idea = _idea(alice)
    assert board.cast_vote(idea=idea, customer=ann) is True
    assert board.cast_vote(idea=idea, customer=ann) is False
    idea.refresh_from_db()
    assert idea.vote_count == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(idea=idea, customer=ann, created_at=timezone.now())


def test_a_visitor_must_sign_in_to_vote(alice, slug):
    idea = _idea(alice)
    reply = Client().post(f"/b/{slug}/ideas/{idea.pk}/vote/")
    assert reply.status_code == 302
    assert "/sign-in/" in reply["Location"]


def test_a_forged_who_link_signs_nobody_in(alice, make_customer, slug):
    ann = make_customer("Ann")
    client = Client()
    client.get(f"/b/{slug}/?who={ann.pk}:forged")
    assert "Sign out" not in client.get(f"/b/{slug}/").content.decode()


def test_a_locked_idea_takes_no_more_votes_or_comments(alice, make_customer, slug):
    ann = make_customer("Ann")
    idea = _idea(alice)
    board.moderate_idea(idea=idea, locked=True)
    reply = _client(alice.organization, ann).post(f"/b/{slug}/ideas/{idea.pk}/vote/")
    assert reply.status_code == 409
    with pytest.raises(IdeasInvalid):
        board.add_comment(idea=idea, customer=ann, text="hello")


def test_a_filled_honeypot_or_many_links_is_kept_as_spam_and_not_shown(alice, make_customer, slug):
    ann = make_customer("Ann")
    client = _client(alice.organization, ann)
    client.post(f"/b/{slug}/new/", {"title": "Buy cheap watches", "website": "http://spam"})
    links = "http://a.test http://b.test http://c.test"
    client.post(f"/b/{slug}/new/", {"title": "Great offer here", "description": links})
    assert Idea.objects.filter(spam=True).count() == 2
    assert "cheap watches" not in Client().get(f"/b/{slug}/").content.decode()


def test_posting_is_rate_limited_per_person(alice, make_customer, slug):
    client = _client(alice.organization, make_customer("Ann"))
    replies = [
        client.post(f"/b/{slug}/new/", {"title": f"Idea number {i} please"}).status_code
        for i in range(6)
    ]
    assert replies == [302] * 5 + [429]


def test_bad_input_names_the_field(alice, make_customer, slug):
    client = _client(alice.organization, make_customer("Ann"))
    reply = client.post(f"/b/{slug}/new/", {"title": "ab"})
    assert reply.status_code == 422
    assert "title: between 4 and 160 characters" in reply.content.decode()


def test_a_merged_idea_leads_to_the_one_it_was_merged_into(alice, slug):
    first, second = _idea(alice), _idea(alice, title="Night theme")
    board.merge_ideas(duplicate=second, into=first)
    reply = Client().get(f"/b/{slug}/ideas/{second.pk}/")
    assert reply.status_code == 302
    assert reply["Location"].endswith(f"/ideas/{first.pk}/")
    second.refresh_from_db()
    assert second.status == Status.DUPLICATE


def test_the_roadmap_shows_planned_in_progress_and_shipped(alice, slug):
    planned = _idea(alice, title="Planned thing")
    board.set_status(idea=planned, status=Status.PLANNED, staff_response="Coming in May")
    _idea(alice, title="Still open thing")
    html = Client().get(f"/b/{slug}/roadmap/").content.decode()
    assert "Planned thing" in html
    assert "Still open thing" not in html
    assert "Coming in May" in Client().get(f"/b/{slug}/ideas/{planned.pk}/").content.decode()


def test_similar_ideas_fall_back_to_words_without_the_model(alice, monkeypatch):
    _idea(alice, title="Export invoices to CSV")

    def no_model(titles):
        raise ImportError("no torch here")

    monkeypatch.setattr(similarity, "embed_titles", no_model)
    found = similarity.similar_ideas(alice.organization.pk, "csv export for invoices")
    assert [s.how for s in found] == ["words"]


def test_deferred_release_notes_go_out_in_one_digest_when_the_budget_allows(alice, make_customer):
    cleo = make_customer("Cleo")
    now = timezone.now()
    OutboundMessage.objects.create(
        organization=alice.organization,
        customer=cleo,
        kind="invitation",
        state=MessageState.SENT,
        send_after=now - timedelta(days=1),
        sent_at=now - timedelta(days=1),
    )
    ideas = [_idea(alice, title=f"Idea {n} for Cleo") for n in ("one", "two")]
    for idea in ideas:
        board.cast_vote(idea=idea, customer=cleo)
        releasing.ship_idea(idea=idea, subject="Done", body="We built it for you.", now=now)
    assert releasing.send_release_digests(organization=alice.organization, now=now) == 0
    later = now + timedelta(days=8)
    assert releasing.send_release_digests(organization=alice.organization, now=later) == 1
    states = set(ReleaseDelivery.objects.values_list("state", flat=True))
    assert states == {DeliveryState.DIGESTED}
    digest = OutboundMessage.objects.get(kind="release_digest")
    assert "Idea one for Cleo" in digest.body
    assert "Idea two for Cleo" in digest.body


def test_a_release_note_is_written_once(alice):
    idea = _idea(alice)
    releasing.ship_idea(idea=idea, subject="Done", body="We built it for you.")
    with pytest.raises(IdeasInvalid):
        releasing.ship_idea(idea=idea, subject="Again", body="We built it again.")


def test_the_unsubscribe_link_stops_every_message(alice, make_customer, slug):
    ann = make_customer("Ann")
    idea = _idea(alice, ann)
    releasing.ship_idea(idea=idea, subject="Done", body="We built it for you.")
    message = OutboundMessage.objects.get(customer=ann, kind="release_note")
    Client().post(urlsplit(message.unsubscribe_url).path)
    ann.refresh_from_db()
    message.refresh_from_db()
    assert ann.unsubscribed_at is not None
    assert message.state == MessageState.CANCELLED


def test_demand_is_weighted_by_the_value_attribute_the_org_sets(alice, make_customer):
    settings = board.board_for(alice.organization)
    settings.value_attribute = "mrr"
    settings.save()
    idea = _idea(alice)
    board.cast_vote(idea=idea, customer=make_customer("Big", attributes={"mrr": 500}))
    board.cast_vote(idea=idea, customer=make_customer("Small"))
    idea.refresh_from_db()
    assert idea.demand == 501


def test_staff_list_ideas_under_a_theme(alice):
    from earful.insights.models import ItemTheme, Theme

    idea, other = _idea(alice), _idea(alice, title="Night theme")
    theme = Theme.objects.create(
        organization=alice.organization, label="look and feel", centroid=b"", threshold=0.5
    )
    ItemTheme.objects.update_or_create(
        item=idea.feedback_item,
        defaults={"organization": alice.organization, "theme": theme, "similarity": 0.9},
    )
    html = alice.client.get(f"/ideas/?theme={theme.pk}").content.decode()
    assert idea.title in html
    assert other.title not in html


def test_charlie_gets_404_on_every_staff_page_of_an_idea(alice, charlie):
    idea = _idea(alice)
    assert charlie.client.get(f"/ideas/{idea.pk}/").status_code == 404
    for action in ("status", "moderate", "merge", "links", "ship"):
        assert charlie.client.post(f"/ideas/{idea.pk}/{action}/").status_code == 404
    assert idea.title not in charlie.client.get("/ideas/").content.decode()


def test_an_unknown_board_is_not_found(db):
    assert Client().get("/b/no-such-org/").status_code == 404


@pytest.mark.parametrize("path", ["/b/{slug}/", "/b/{slug}/roadmap/", "/b/{slug}/changelog/"])
def test_board_pages_read_a_fixed_number_of_queries(alice, make_customer, slug, path):
    def count() -> int:
        client = _client(alice.organization, ann)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path.format(slug=slug)).status_code == 200
        return len(queries)

    ann = make_customer("Ann")
    _ship_some(alice, 2)
    few = count()
    _ship_some(alice, 6, start=2)
    assert count() == few


def test_the_staff_list_reads_a_fixed_number_of_queries(alice):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice.client.get("/ideas/").status_code == 200
        return len(queries)

    _ship_some(alice, 2)
    count()  # the first visit makes the board's settings row
    few = count()
    _ship_some(alice, 6, start=2)
    assert count() == few


def _ship_some(alice, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        idea = _idea(alice, title=f"Shipped idea {i}")
        releasing.ship_idea(idea=idea, subject=f"Done {i}", body="We built it for you.")
