from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from earful.outreach.window import SendWindow, next_send_time

WEEKDAYS_9_TO_6 = SendWindow()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_time_inside_the_local_window_is_kept():
    # Wednesday 10:00 UTC is 11:00 in Paris.
    assert next_send_time(utc(2025, 3, 5, 10), "Europe/Paris", WEEKDAYS_9_TO_6) == utc(
        2025, 3, 5, 10
    )


def test_a_time_before_opening_waits_for_nine_local():
    # Wednesday 05:00 UTC is 00:00 in New York (EST, UTC-5): opens at 09:00 EST = 14:00 UTC.
    assert next_send_time(utc(2025, 3, 5, 5), "America/New_York", WEEKDAYS_9_TO_6) == utc(
        2025, 3, 5, 14
    )


def test_a_friday_evening_waits_for_monday_morning():
    # Friday 17:30 UTC is 18:30 in Paris: closed; Monday 09:00 CET = 08:00 UTC.
    assert next_send_time(utc(2025, 2, 7, 17, 30), "Europe/Paris", WEEKDAYS_9_TO_6) == utc(
        2025, 2, 10, 8
    )


def test_new_york_spring_forward_weekend_opens_at_nine_daylight_time():
    # Clocks go forward on Sunday 9 March 2025: Monday 09:00 EDT is 13:00 UTC, not 14:00.
    assert next_send_time(utc(2025, 3, 8, 20), "America/New_York", WEEKDAYS_9_TO_6) == utc(
        2025, 3, 10, 13
    )


def test_new_york_fall_back_weekend_opens_at_nine_standard_time():
    # Clocks go back on Sunday 2 November 2025: Monday 09:00 EST is 14:00 UTC.
    assert next_send_time(utc(2025, 11, 1, 18), "America/New_York", WEEKDAYS_9_TO_6) == utc(
        2025, 11, 3, 14
    )


def test_berlin_summer_time_weekend_opens_at_nine_summer_time():
    # Friday 28 March 2025 18:30 CET; clocks go forward on the 30th: Monday 09:00 CEST = 07:00.
    assert next_send_time(utc(2025, 3, 28, 17, 30), "Europe/Berlin", WEEKDAYS_9_TO_6) == utc(
        2025, 3, 31, 7
    )


def test_an_opening_inside_the_skipped_hour_moves_just_after_it():
    # A window opening at 02:30 on the New York spring-forward Sunday: 02:30 never happens.
    early = SendWindow(start=time(2, 30), end=time(6, 0), weekdays="7")
    sent = next_send_time(utc(2025, 3, 9, 5), "America/New_York", early)
    assert sent == utc(2025, 3, 9, 7, 30)  # 03:30 EDT


def test_auckland_saturday_morning_is_friday_in_utc_and_waits_for_its_monday():
    # Friday 22:00 UTC is Saturday 10:00 in Auckland (NZST, UTC+12): Monday 09:00 NZST is
    # Sunday 21:00 UTC.
    assert next_send_time(utc(2025, 6, 6, 22), "Pacific/Auckland", WEEKDAYS_9_TO_6) == utc(
        2025, 6, 8, 21
    )


def test_kiritimati_is_already_at_work_on_a_utc_sunday():
    # Sunday 20:00 UTC is Monday 10:00 in Kiritimati (UTC+14): inside the window.
    assert next_send_time(utc(2025, 6, 8, 20), "Pacific/Kiritimati", WEEKDAYS_9_TO_6) == utc(
        2025, 6, 8, 20
    )


def test_kiritimati_friday_evening_opens_on_a_utc_sunday():
    # Friday 05:00 UTC is Friday 19:00 in Kiritimati: Monday 09:00 local = Sunday 19:00 UTC.
    assert next_send_time(utc(2025, 6, 6, 5), "Pacific/Kiritimati", WEEKDAYS_9_TO_6) == utc(
        2025, 6, 8, 19
    )


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "not a zone"])
def test_an_unknown_time_zone_is_read_as_utc(zone):
    assert next_send_time(utc(2025, 3, 8, 12), zone, WEEKDAYS_9_TO_6) == utc(2025, 3, 10, 9)


def test_a_weekend_only_window_skips_the_week():
    weekend = SendWindow(start=time(10, 0), end=time(12, 0), weekdays="67")
    assert next_send_time(utc(2025, 3, 5, 10), "UTC", weekend) == utc(2025, 3, 8, 10)


def test_at_closing_time_the_window_is_closed():
    assert next_send_time(utc(2025, 3, 5, 18), "UTC", WEEKDAYS_9_TO_6) == utc(2025, 3, 6, 9)


def test_a_window_that_closes_before_it_opens_is_refused():
    with pytest.raises(ValueError, match="open before it closes"):
        SendWindow(start=time(18, 0), end=time(9, 0))


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        next_send_time(datetime(2025, 3, 5, 10), "UTC", WEEKDAYS_9_TO_6)  # noqa: DTZ001
