import time
import uuid

from earful.core.ids import time_ordered_uuid


def test_a_time_ordered_uuid_is_a_version_7_uuid() -> None:
    made = time_ordered_uuid()

    assert made.version == 7
    assert made.variant == uuid.RFC_4122


def test_a_time_ordered_uuid_starts_with_the_milliseconds_it_was_made_in() -> None:
    before = time.time_ns() // 1_000_000
    made = time_ordered_uuid()
    after = time.time_ns() // 1_000_000

    assert before <= made.int >> 80 <= after


def test_uuids_made_in_later_milliseconds_sort_after_earlier_ones() -> None:
    first = time_ordered_uuid()
    time.sleep(0.002)

    assert time_ordered_uuid() > first


def test_time_ordered_uuids_made_in_the_same_millisecond_still_differ() -> None:
    made = {time_ordered_uuid() for _ in range(10_000)}

    assert len(made) == 10_000
