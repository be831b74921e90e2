"""What people see of enrichment: pending counts that refresh, sentiment and hesitancy on the
comments, and the /api/v1/feedback endpoints."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.feedback.models import FeedbackItem
from earful.insights.services.enrichment import enrich_pending
from earful.insights.tests.test_enrichment import NEGATIVE, POSITIVE, make_items
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey

POLLING = 'hx-trigger="every 5s"'


def _analyzed_items(persona, texts, **kwargs):
    items = make_items(persona.organization, texts, **kwargs)
    enrich_pending(organization=persona.organization)
    return items


def test_the_feedback_page_shows_what_is_analyzed_and_pending_and_refreshes_meanwhile(alice):
    _analyzed_items(alice, [NEGATIVE, POSITIVE])
    make_items(alice.organization, ["Where is my card?"], channel="review")
    html = alice.client.get("/feedback/").content.decode()
    assert "<strong>2</strong> comments analyzed, <strong>1</strong> pending" in html
    assert POLLING in html
    assert 'hx-get="/feedback/progress/"' in html
    assert 'class="tag sentiment-negative"' in html


def test_the_progress_box_stops_refreshing_once_nothing_is_pending(alice):
    make_items(alice.organization, [POSITIVE])
    assert POLLING in alice.client.get("/feedback/progress/").content.decode()
    enrich_pending()
    html = alice.client.get("/feedback/progress/").content.decode()
    assert "<strong>1</strong> comment analyzed, <strong>0</strong> pending" in html
    assert POLLING not in html
    assert "<html" not in html  # the box alone, for htmx to swap


def test_the_feedback_page_says_how_many_could_not_be_analyzed(alice):
    (item,) = make_items(alice.organization, [POSITIVE])
    FeedbackItem.objects.filter(pk=item.pk).update(
        analyzed_at=item.received_at, enrichment_error="gave up after 3 attempts: boom"
    )
    assert "1 could not be analyzed" in alice.client.get("/feedback/").content.decode()


def test_charlie_sees_none_of_alice_s_feedback_on_the_pages(alice, charlie):
    _analyzed_items(alice, [NEGATIVE, POSITIVE, "Ok"])
    for url in ("/feedback/", "/feedback/progress/"):
        html = charlie.client.get(url).content.decode()
        assert "<strong>0</strong> comments analyzed, <strong>0</strong> pending" in html


def test_a_viewer_may_read_the_feedback_page_and_a_stranger_is_sent_to_sign_in(
    persona_with_role, client
):
    viewer = persona_with_role("viewer")
    assert viewer.client.get("/feedback/").status_code == 200
    assert client.get("/feedback/progress/").status_code == 302


def test_the_feedback_page_takes_the_same_queries_for_more_items(alice):
    _analyzed_items(alice, [NEGATIVE])
    with CaptureQueriesContext(connection) as few:
        alice.client.get("/feedback/")
    _analyzed_items(alice, [POSITIVE, "Where is my card?", "Refund please"], channel="review")
    make_items(alice.organization, ["Still waiting"], channel="idea")
    with CaptureQueriesContext(connection) as many:
        alice.client.get("/feedback/")
    assert len(many.captured_queries) == len(few.captured_queries)


def _commented(survey, comments):
    for i, (score, comment) in enumerate(comments):
        submit_response(survey=survey, answers={"nps": score, "nps_comment": comment}, key=str(i))


def test_the_dashboard_labels_each_comment_with_its_sentiment_and_hesitancy(alice):
    survey = make_survey(alice.organization)
    _commented(survey, [(1, NEGATIVE), (10, NEGATIVE)])
    html = alice.client.get(f"/surveys/{survey.pk}/dashboard/").content.decode()
    assert html.count("analysis pending") == 2
    assert POLLING in html
    enrich_pending()
    html = alice.client.get(f"/surveys/{survey.pk}/dashboard/").content.decode()
    assert html.count('class="tag sentiment-negative">negative</span>') == 2
    # the promoter who writes a complaint
    assert html.count('class="tag hesitant" data-reason="high_score_negative"') == 1
    assert "(a satisfied score (10 of 0-10) but the comment reads negative" in html
    assert POLLING not in html


def test_the_dashboard_takes_the_same_queries_for_more_analyzed_comments(alice):
    survey = make_survey(alice.organization)
    _commented(survey, [(9, POSITIVE)])
    enrich_pending()
    with CaptureQueriesContext(connection) as few:
        alice.client.get(f"/surveys/{survey.pk}/dashboard/")
    _commented(survey, [(i % 11, f"{NEGATIVE} ({i})") for i in range(1, 12)])
    enrich_pending()
    with CaptureQueriesContext(connection) as many:
        alice.client.get(f"/surveys/{survey.pk}/dashboard/")
    assert len(many.captured_queries) == len(few.captured_queries)


# The API


def test_the_api_lists_items_with_their_enrichment_newest_first(alice):
    _analyzed_items(alice, [NEGATIVE, POSITIVE], channel="review", score=5)
    body = alice.api.get("/api/v1/feedback").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert set(first) >= {
        "id",
        "channel",
        "customer",
        "text",
        "score",
        "score_scale",
        "received_at",
        "status",
        "sentiment",
        "sentiment_score",
        "hesitant",
        "hesitancy_code",
        "hesitancy_reason",
    }
    by_text = {item["text"]: item for item in body["items"]}
    assert by_text[NEGATIVE]["sentiment"] == "negative"
    assert by_text[NEGATIVE]["hesitancy_code"] == "high_score_negative"  # 5 stars, a complaint
    assert by_text[POSITIVE]["status"] == "analyzed"
    assert by_text[POSITIVE]["score_scale"] == "1-5"


def test_the_api_filters_by_channel_sentiment_and_hesitancy_and_pages(alice):
    _analyzed_items(alice, [NEGATIVE, POSITIVE], channel="review", score=5)
    make_items(alice.organization, ["Where is my card?"])
    api = alice.api
    assert api.get("/api/v1/feedback?channel=ticket").json()["items"][0]["status"] == "pending"
    negative = api.get("/api/v1/feedback?sentiment=negative").json()
    assert [item["text"] for item in negative["items"]] == [NEGATIVE]
    assert api.get("/api/v1/feedback?hesitant=true").json()["count"] == 1
    assert api.get("/api/v1/feedback?hesitant=false").json()["count"] == 1
    page = api.get("/api/v1/feedback?limit=1&offset=1").json()
    assert (page["count"], len(page["items"])) == (3, 1)
    assert api.get("/api/v1/feedback?sentiment=angry").status_code == 422


def test_the_api_counts_pending_and_analyzed_items(alice):
    _analyzed_items(alice, [NEGATIVE, POSITIVE])
    make_items(alice.organization, ["Where is my card?"], channel="review")
    body = alice.api.get("/api/v1/feedback/pending").json()
    assert body == {"pending": 1, "analyzed": 2, "failed": 0}


def test_charlie_sees_none_of_alice_s_feedback_through_the_api(alice, charlie):
    _analyzed_items(alice, [NEGATIVE, POSITIVE])
    assert charlie.api.get("/api/v1/feedback").json() == {"count": 0, "items": []}
    assert charlie.api.get("/api/v1/feedback/pending").json() == {
        "pending": 0,
        "analyzed": 0,
        "failed": 0,
    }


def test_the_api_needs_a_token(db, client):
    assert client.get("/api/v1/feedback").status_code == 401
    assert client.get("/api/v1/feedback/pending").status_code == 401


def test_the_feedback_list_takes_the_same_queries_for_more_items(alice):
    _analyzed_items(alice, [NEGATIVE])
    alice.api.get("/api/v1/feedback")  # the token's first use is written down once
    with CaptureQueriesContext(connection) as few:
        alice.api.get("/api/v1/feedback")
    _analyzed_items(alice, [POSITIVE, "Where is my card?", "Refund please"], channel="review")
    with CaptureQueriesContext(connection) as many:
        alice.api.get("/api/v1/feedback")
    assert len(many.captured_queries) == len(few.captured_queries)
