"""Business time and local times, with the clocks changing (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from earful.cases.calendar import BadLocalTime, Calendar, describe_minutes, local_to_utc
from earful.cases.tests.conftest import wall

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


def test_business_minutes_skip_nights_and_weekends():
    office = Calendar.office(PARIS)
    friday_4pm = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)  # 16:00 in Paris
    # One hour on Friday, then Monday from 09:00 Paris: 3 hours later it is Monday 11:00.
    due = office.add_minutes(friday_4pm, 180)
    assert due.astimezone(PARIS) == datetime(2026, 3, 9, 11, 0, tzinfo=PARIS)
    assert office.minutes_between(friday_4pm, due) == 180


def test_a_working_day_across_the_spring_change_is_still_eight_hours():
    office = Calendar.office(PARIS, days=(0, 1, 2, 3, 4, 5, 6))
    # 29 March 2026: Paris goes from 02:00 to 03:00; 09:00-17:00 is still 8 hours of work.
    start = datetime(2026, 3, 29, 9, 0, tzinfo=PARIS)
    assert office.minutes_between(start, datetime(2026, 3, 29, 17, 0, tzinfo=PARIS)) == 480
    assert office.add_minutes(start, 480).astimezone(PARIS).hour == 17


def test_holidays_are_not_working_time():
    from datetime import date

    office = Calendar(PARIS, Calendar.office(PARIS).hours, frozenset({date(2026, 3, 9)}))
    friday_5pm = datetime(2026, 3, 6, 17, 0, tzinfo=PARIS)
    assert office.add_minutes(friday_5pm, 60).astimezone(PARIS) == datetime(
        2026, 3, 10, 10, 0, tzinfo=PARIS
    )


def test_a_local_time_the_clocks_skip_is_refused_and_a_repeated_one_is_the_first():
    with pytest.raises(BadLocalTime, match="does not exist in America/New_York"):
        local_to_utc(wall("2026-03-08 02:30"), NEW_YORK)
    first = local_to_utc(wall("2026-11-01 01:30"), NEW_YORK)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # still summer time (UTC-4)


def test_durations_read_as_people_say_them():
    assert describe_minutes(190) == "3 h 10 min"
    assert describe_minutes(45) == "45 min"
    assert describe_minutes(60 * 50) == "2 d 2 h"


def test_a_calendar_with_shorter_fridays():
    hours = {d: (time(9), time(17)) for d in range(4)} | {4: (time(9), time(13))}
    office = Calendar(PARIS, hours)
    friday_noon = datetime(2026, 3, 13, 12, 0, tzinfo=PARIS)
    assert office.add_minutes(friday_noon, 120).astimezone(PARIS) == datetime(
        2026, 3, 16, 10, 0, tzinfo=PARIS
    )
