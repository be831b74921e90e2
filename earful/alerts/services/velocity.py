"""How fast a public post gathers engagement and reach. Pure functions.

A post is seen at times (its snapshots: likes, shares, comments, reach), and at its posting
time with nothing yet. Velocity is what it gained per hour between the latest snapshot and the
last point at least `window` before it (or, for a post younger than that, its posting time):

    velocity = (engagement_latest - engagement_then) / hours between them

Engagement is likes + shares + comments. Over a span shorter than MIN_SPAN no velocity is
given: two snapshots a minute apart say more about rounding than about speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_SPAN = timedelta(minutes=10)


@dataclass(frozen=True)
class Point:
    at: datetime
    engagement: int
    reach: int | None


@dataclass(frozen=True)
class Velocity:
    start: Point
    end: Point

    @property
    def hours(self) -> float:
        return (self.end.at - self.start.at).total_seconds() / 3600

    @property
    def gained(self) -> int:
        return self.end.engagement - self.start.engagement

    @property
    def per_hour(self) -> float:
        return self.gained / self.hours

    @property
    def reach_gained(self) -> int | None:
        if self.start.reach is None or self.end.reach is None:
            return None
        return self.end.reach - self.start.reach

    @property
    def reach_per_hour(self) -> float | None:
        gained = self.reach_gained
        return None if gained is None else gained / self.hours


def post_velocity(
    posted_at: datetime | None, snapshots: Sequence[Point], *, window: timedelta
) -> Velocity | None:
    """The post's latest velocity (see the module doc); None with too little to measure."""
    points = sorted(snapshots, key=lambda p: p.at)
    if not points:
        return None
    if posted_at is not None and posted_at < points[0].at:
        points.insert(0, Point(posted_at, 0, 0))
    end = points[-1]
    before = [p for p in points[:-1] if p.at <= end.at - window]
    start = before[-1] if before else points[0]
    if end.at - start.at < MIN_SPAN:
        return None
    return Velocity(start, end)


def span_words(hours: float) -> str:
    """2 h, 1.5 h, 45 min."""
    if hours < 1:
        return f"{round(hours * 60)} min"
    return f"{hours:.1f}".removesuffix(".0") + " h"


def explain_velocity(
    velocity: Velocity, *, engagement_threshold: float, reach_threshold: float | None
) -> str:
    """ "312 likes+shares+comments in the last 2 h (156/h), above the rule's 50/h." and the
    reach in the same words when the rule watches it."""
    span = span_words(velocity.hours)
    engagement = (
        f"{velocity.gained:,} likes+shares+comments in the last {span} "
        f"({velocity.per_hour:,.0f}/h), " + _against(velocity.per_hour, engagement_threshold)
    )
    sentences = [engagement]
    if reach_threshold is not None and velocity.reach_per_hour is not None:
        sentences.append(
            f"Reach grew by {velocity.reach_gained:,} in the same {span} "
            f"({velocity.reach_per_hour:,.0f}/h), "
            + _against(velocity.reach_per_hour, reach_threshold)
        )
    return " ".join(s + "." for s in sentences)


def _against(value: float, threshold: float) -> str:
    word = "above" if value >= threshold else "below"
    return f"{word} the rule's {threshold:,.0f}/h"


def is_fast(
    velocity: Velocity, *, engagement_threshold: float, reach_threshold: float | None
) -> bool:
    if velocity.per_hour >= engagement_threshold:
        return True
    reach = velocity.reach_per_hour
    return reach_threshold is not None and reach is not None and reach >= reach_threshold
