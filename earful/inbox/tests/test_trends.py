"""Request trends from the database: exact weekly counts (UTC weeks, items on the boundaries),
the filters, themes / new & emerging / not themed yet, a planted rise found and attributed, and
links that list exactly the items counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from earful.accounts.models import Organization
from earful.feedback.models import FeedbackItem
from earful.inbox.filters import parse_filter
from earful.inbox.selectors import filtered_items
from earful.inbox.selectors_trends import (
    EMERGING,
    UNTHEMED,
    RequestTrends,
    TrendFilter,
    TrendFilterInvalid,
    VolumeSeries,
    parse_trend_filter,
    request_trends,
)
from earful.insights.models import ItemTheme, Theme, vector_bytes

NOW = datetime(2026, 3, 18, 15, 30, tzinfo=UTC)  # a Wednesday; the current week began 16 March
CURRENT = datetime(2026, 3, 16, tzinfo=UTC)  # its Monday
FIRST = CURRENT - timedelta(weeks=12)  # the first Monday of the default 12 complete weeks
_keys = count()


def make_theme(organization: Organization, name: str) -> Theme:
    return Theme.objects.create(
        organization=organization,
        label=name,
        centroid=vector_bytes(np.ones(4) / 2),
        threshold=0.5,
    )


def add_items(
    organization: Organization,
    times: list[datetime],
    *,
    channel: str = "ticket",
    source: str = "zendesk",
    theme: Theme | str | None = UNTHEMED,
) -> list[FeedbackItem]:
    """Items received at `times`, stored as imports and the theme engine store them (no
    enrichment runs). theme: a Theme, EMERGING (fits no theme) or UNTHEMED (not seen yet)."""
    items = FeedbackItem.objects.bulk_create(
        FeedbackItem(
            organization=organization, channel=channel, source=source,
            source_key=f"{source or channel}:{next(_keys)}", text="Where is my parcel?",
            received_at=at,
        )
        for at in times
    )  # fmt: skip
    if theme != UNTHEMED:
        ItemTheme.objects.bulk_create(
            ItemTheme(
                organization=organization,
                item=item,
                theme=theme if isinstance(theme, Theme) else None,
                similarity=0.9,
            )
            for item in items
        )
    return items


def weekly(
    organization: Organization, per_week: list[int], *, first: datetime = FIRST, **kwargs: object
) -> None:
    """per_week[i] items spread over week i of the 12 complete weeks from `first` (then none
    this week)."""
    times = [
        first + timedelta(weeks=i, hours=1 + 160 * j / max(n, 1))
        for i, n in enumerate(per_week)
        for j in range(n)
    ]
    add_items(organization, times, **kwargs)  # type: ignore[arg-type]


def series(found: RequestTrends, dimension: str, key: str, channel: str = "") -> VolumeSeries:
    return next(
        s for s in found.series if (s.dimension, s.key, s.channel) == (dimension, key, channel)
    )


def listed(organization: Organization, link: str) -> int:
    """How many items the inbox lists for `link`, through the inbox's own filter parser and
    selector (earful/inbox/filters.py, selectors.py)."""
    params = {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}
    f, errors = parse_filter(params)
    assert not errors, errors
    return filtered_items(organization, f).count()


# ---------------------------------------------------------------- exact counts


def test_weekly_counts_are_exact_on_the_utc_week_boundaries(org_a):
    second = FIRST + timedelta(weeks=1)  # Monday 00:00 UTC
    add_items(
        org_a,
        [
            FIRST - timedelta(microseconds=1),  # Sunday before the period: left out
            FIRST,  # the first instant of week 1
            second - timedelta(microseconds=1),  # Sunday 23:59:59.999999: still week 1
            second,  # Monday 00:00: week 2
            CURRENT - timedelta(seconds=1),  # the last complete week
            CURRENT,  # this week, so far
            NOW - timedelta(seconds=1),  # this week, so far
            NOW,  # not yet: counted up to now, excluded
        ],
    )
    found = request_trends(org_a, TrendFilter(), now=NOW)
    assert found.weeks[0] == FIRST.date()
    assert found.weeks[-1] == date(2026, 3, 9)
    assert found.current_week == date(2026, 3, 16)
    total = found.total
    assert total is not None
    assert total.weekly == [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert total.this_week == 2


def test_a_week_that_is_sunday_evening_in_new_york_is_monday_in_utc(org_a):
    """Weeks are UTC weeks: organizations have no time zone of their own yet."""
    monday_utc = FIRST + timedelta(weeks=5, hours=2)  # Sunday 21:00 in New York (EST)
    add_items(org_a, [monday_utc])
    total = request_trends(org_a, TrendFilter(), now=NOW).total
    assert total is not None
    assert total.weekly[5] == 1
    assert total.weekly[4] == 0


def test_counts_split_by_channel_source_and_theme_add_up(org_a):
    delivery, billing = make_theme(org_a, "Delivery"), make_theme(org_a, "Billing")
    weekly(org_a, [3] * 12, theme=delivery)
    weekly(org_a, [2] * 12, theme=billing, channel="review", source="trustpilot")
    weekly(org_a, [1] * 12, theme=EMERGING, channel="survey", source="")
    weekly(org_a, [1] * 6 + [0] * 6, theme=UNTHEMED)
    found = request_trends(org_a, TrendFilter(), now=NOW)
    assert series(found, "all", "all").total == 36 + 24 + 12 + 6
    assert series(found, "channel", "ticket").total == 42
    assert series(found, "source", "trustpilot").weekly == [2] * 12
    assert series(found, "source", "").label == "Recorded in Earful"
    assert series(found, "theme", str(delivery.pk)).label == "Delivery"
    assert series(found, "theme", str(delivery.pk), "ticket").total == 36
    assert series(found, "theme", EMERGING).label == "New & emerging"
    assert series(found, "theme", UNTHEMED).weekly == [1] * 6 + [0] * 6
    assert not [s for s in found.series if s.key == str(delivery.pk) and s.channel == "review"]


def test_the_filters_narrow_every_series(org_a):
    delivery = make_theme(org_a, "Delivery")
    weekly(org_a, [3] * 12, theme=delivery)
    weekly(org_a, [2] * 12, theme=delivery, channel="review", source="trustpilot")
    weekly(org_a, [1] * 12, theme=EMERGING)
    tickets = request_trends(org_a, TrendFilter(channel="ticket"), now=NOW)
    assert tickets.total is not None
    assert tickets.total.total == 48
    assert {s.key for s in tickets.of("channel")} == {"ticket"}
    reviews = request_trends(org_a, TrendFilter(source="trustpilot"), now=NOW)
    assert reviews.total is not None
    assert reviews.total.total == 24
    emerging = request_trends(org_a, TrendFilter(theme=EMERGING), now=NOW)
    assert emerging.total is not None
    assert emerging.total.total == 12
    one = request_trends(org_a, TrendFilter(theme=str(delivery.pk)), now=NOW)
    assert one.total is not None
    assert one.total.total == 60


def test_a_shorter_period_ending_on_a_chosen_day(org_a):
    weekly(org_a, list(range(1, 13)))
    found = request_trends(org_a, TrendFilter(weeks=4, recent=1, until=date(2026, 3, 1)), now=NOW)
    assert found.weeks == [date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 16), date(2026, 2, 23)]
    assert found.total is not None
    assert found.total.weekly == [7, 8, 9, 10]
    assert found.total.this_week == 0  # 1 March is a Sunday: its week is complete


def test_another_organizations_items_never_count(org_a, charlie):
    weekly(org_a, [5] * 12)
    weekly(charlie.organization, [7] * 12)
    found = request_trends(charlie.organization, TrendFilter(), now=NOW)
    assert found.total is not None
    assert found.total.weekly == [7] * 12


# ---------------------------------------------------------------- the planted rise


def test_a_theme_whose_tickets_triple_is_found_rising_in_tickets_and_nowhere_else(org_a):
    rng = np.random.default_rng(5)
    themes = {name: make_theme(org_a, name) for name in ("Delivery", "Billing", "Login")}
    for name, theme in themes.items():
        tickets = rng.poisson(10, size=12)
        if name == "Delivery":
            tickets[-3:] = rng.poisson(30, size=3)
        weekly(org_a, tickets.tolist(), theme=theme)
        weekly(org_a, rng.poisson(6, size=12).tolist(), theme=theme, channel="review",
               source="trustpilot")  # fmt: skip
    found = request_trends(org_a, TrendFilter(), now=NOW)
    delivery = str(themes["Delivery"].pk)
    moving = [(s.key, s.channel, s.direction) for s in found.request_findings]
    assert (delivery, "ticket", "rising") in moving
    assert {(key, channel) for key, channel, _ in moving} <= {(delivery, "ticket"), (delivery, "")}
    found_one = series(found, "theme", delivery, "ticket")
    rate = np.mean(found_one.weekly[-4:]) / np.mean(found_one.weekly[:8])
    assert found_one.change == pytest.approx(rate - 1)
    assert found_one.change > 0.75
    assert found_one.q_value is not None
    assert found_one.q_value <= found.fdr


# ---------------------------------------------------------------- links


def test_every_link_lists_exactly_the_items_counted(org_a):
    delivery = make_theme(org_a, "Delivery")
    weekly(org_a, [3] * 12, theme=delivery)
    weekly(org_a, [2] * 12, theme=EMERGING, channel="review", source="trustpilot")
    weekly(org_a, [1] * 12, theme=delivery, channel="survey", source="")
    add_items(org_a, [FIRST - timedelta(seconds=1), CURRENT + timedelta(hours=1)], theme=delivery)
    found = request_trends(org_a, TrendFilter(), now=NOW)
    checked = 0
    for s in found.series:
        for which, n in (
            ("period", s.total),
            ("recent", s.test.n_recent),
            ("baseline", s.test.n_baseline),
        ):
            link = found.link(s, *found.window(which))
            if link is None:
                assert s.dimension == "source"
                assert s.key == ""
                continue
            assert link.startswith("/inbox/?")
            assert listed(org_a, link) == n, (s.label, s.channel, which, link)
            checked += 1
        last = found.weeks[-1]
        link = found.link(s, last, last + timedelta(days=6))
        assert link is None or listed(org_a, link) == s.weekly[-1]
    assert checked >= 3 * 9


def test_not_themed_yet_has_no_inbox_link_until_the_inbox_can_filter_it(org_a):
    weekly(org_a, [2] * 12, theme=UNTHEMED)
    found = request_trends(org_a, TrendFilter(), now=NOW)
    assert found.link(series(found, "theme", UNTHEMED), *found.window("period")) is None


# ---------------------------------------------------------------- the filter


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"weeks": "3"}, "weeks"),
        ({"weeks": "many"}, "weeks"),
        ({"weeks": "12", "recent_weeks": "12"}, "recent_weeks"),
        ({"theme": "delivery"}, "theme"),
        ({"until": "yesterday"}, "until"),
        ({"source": "x" * 41}, "source"),
    ],
)
def test_a_bad_filter_names_its_field(alice, params, field):
    with pytest.raises(TrendFilterInvalid) as caught:
        parse_trend_filter(alice.member, params)
    assert caught.value.field == field


def test_the_default_filter_is_every_item_over_twelve_weeks_the_last_four_recent(alice):
    f = parse_trend_filter(alice.member, {})
    assert (f.channel, f.source, f.theme, f.weeks, f.recent, f.baseline) == ("", "", "", 12, 4, 8)
    assert parse_trend_filter(alice.member, {"weeks": "6"}).recent == 2


def test_a_theme_of_another_organization_is_not_found(alice, charlie):
    from django.http import Http404

    theirs = make_theme(charlie.organization, "Their theme")
    with pytest.raises(Http404):
        parse_trend_filter(alice.member, {"theme": str(theirs.pk)})
