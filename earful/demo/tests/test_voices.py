from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from earful.demo.voices import DELIVERY_SURGE_WEEKS, REVIEWS, WEEKS, plan_voices

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
EMAILS = ["a@example.com", "b@example.com"]


def _delivery_share(tickets, start, end):
    chosen = [t for t in tickets if start <= t.received_at < end]
    return Counter(t.metadata["type"] for t in chosen)["delivery"] / len(chosen)


def test_the_demo_plans_the_same_voices_every_time():
    assert plan_voices(now=NOW, customer_emails=EMAILS) == plan_voices(
        now=NOW, customer_emails=EMAILS
    )


def test_delivery_tickets_surge_in_the_last_weeks():
    tickets = plan_voices(now=NOW, customer_emails=EMAILS).tickets
    surge_start = NOW - timedelta(weeks=DELIVERY_SURGE_WEEKS)
    before = _delivery_share(tickets, NOW - timedelta(weeks=WEEKS), surge_start)
    during = _delivery_share(tickets, surge_start, NOW + timedelta(hours=1))
    assert during > 1.8 * before
    assert len({t.external_id for t in tickets}) == len(tickets)


def test_reviews_are_real_review_texts_with_stars_in_the_last_weeks():
    reviews = plan_voices(now=NOW, customer_emails=EMAILS).reviews
    assert len(reviews) == REVIEWS
    assert all(1 <= r.rating <= 5 and r.rating_scale == "1-5" for r in reviews)
    assert all(NOW - timedelta(weeks=WEEKS) <= r.received_at <= NOW for r in reviews)


def test_one_unhappy_post_gathers_engagement_fast_up_to_now():
    posts = plan_voices(now=NOW, customer_emails=EMAILS).posts
    fast = [p for p in posts if p.metrics[-1].likes + p.metrics[-1].shares > 1000]
    assert len(fast) == 1
    last, before = fast[0].metrics[-1], fast[0].metrics[-2]
    hourly = 2 * (last.likes + last.shares - before.likes - before.shares)
    assert hourly > 100
    assert NOW - timedelta(minutes=31) <= last.observed_at <= NOW
