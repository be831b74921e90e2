"""Viral risk: how fast a post gathers engagement, from its snapshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from earful.alerts.services.velocity import (
    Point,
    explain_velocity,
    is_fast,
    post_velocity,
    span_words,
)

T = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)
WINDOW = timedelta(hours=2)


def _at(hours: float, engagement: int, reach: int | None = None) -> Point:
    return Point(T + timedelta(hours=hours), engagement, reach)


def test_velocity_is_the_engagement_gained_per_hour_over_the_window():
    points = [_at(0, 10), _at(2, 100), _at(3, 250), _at(4, 412)]
    velocity = post_velocity(T - timedelta(days=1), points, window=WINDOW)
    assert velocity.start.at == T + timedelta(hours=2)  # the last point 2 h or more before
    assert (velocity.gained, velocity.hours, velocity.per_hour) == (312, 2.0, 156.0)


def test_sparse_snapshots_measure_since_the_last_one_before_the_window():
    points = [_at(0, 100), _at(6, 700)]
    velocity = post_velocity(None, points, window=WINDOW)
    assert (velocity.hours, velocity.per_hour) == (6.0, 100.0)


def test_a_young_post_is_measured_from_its_posting_with_nothing_yet():
    velocity = post_velocity(T, [_at(0.5, 120, reach=9000)], window=WINDOW)
    assert velocity.start == Point(T, 0, 0)
    assert (velocity.per_hour, velocity.reach_per_hour) == (240.0, 18000.0)


def test_snapshots_minutes_apart_give_no_velocity():
    assert post_velocity(None, [_at(0, 10), _at(0.1, 900)], window=WINDOW) is None
    assert post_velocity(None, [_at(0, 10)], window=WINDOW) is None
    assert post_velocity(T, [], window=WINDOW) is None


def test_reach_needs_both_ends_known():
    velocity = post_velocity(None, [_at(0, 0, reach=None), _at(2, 10, reach=5000)], window=WINDOW)
    assert velocity.reach_gained is None
    assert velocity.reach_per_hour is None


def test_a_post_is_fast_by_engagement_or_by_reach_when_the_rule_watches_it():
    velocity = post_velocity(None, [_at(0, 0, 0), _at(2, 60, 30000)], window=WINDOW)
    assert not is_fast(velocity, engagement_threshold=50, reach_threshold=None)
    assert is_fast(velocity, engagement_threshold=30, reach_threshold=None)
    assert is_fast(velocity, engagement_threshold=50, reach_threshold=10000)
    assert not is_fast(velocity, engagement_threshold=50, reach_threshold=20000)


def test_the_explanation_gives_the_gain_the_span_the_rate_and_the_threshold():
    velocity = post_velocity(None, [_at(0, 100, 1000), _at(2, 412, 41000)], window=WINDOW)
    assert explain_velocity(velocity, engagement_threshold=50, reach_threshold=None) == (
        "312 likes+shares+comments in the last 2 h (156/h), above the rule's 50/h."
    )
    assert explain_velocity(velocity, engagement_threshold=500, reach_threshold=10000) == (
        "312 likes+shares+comments in the last 2 h (156/h), below the rule's 500/h. "
        "Reach grew by 40,000 in the same 2 h (20,000/h), above the rule's 10,000/h."
    )


def test_spans_read_naturally():
    assert [span_words(h) for h in (0.75, 1.0, 1.5, 2.0, 26.0)] == [
        "45 min",
        "1 h",
        "1.5 h",
        "2 h",
        "26 h",
    ]
