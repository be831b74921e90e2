from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from earful.ingest.sources import common
from earful.ingest.sources.base import MappingError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),
        ("2024-03-05T10:15:00Z", datetime(2024, 3, 5, 10, 15, tzinfo=UTC)),
        ("2024-03-05 10:15", datetime(2024, 3, 5, 10, 15, tzinfo=UTC)),
        (
            "2024-03-05T10:15:00.123+02:00",
            datetime(2024, 3, 5, 10, 15, 0, 123000, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2024/03/05 10:15", datetime(2024, 3, 5, 10, 15, tzinfo=UTC)),
        ("05.03.2024", datetime(2024, 3, 5, tzinfo=UTC)),
        ("March 5, 2024", datetime(2024, 3, 5, tzinfo=UTC)),
        ("Tue, 05 Mar 2024 10:15:00 +0000", datetime(2024, 3, 5, 10, 15, tzinfo=UTC)),
        ("1709633700", datetime(2024, 3, 5, 10, 15, tzinfo=UTC)),
        (1709633700000, datetime(2024, 3, 5, 10, 15, tzinfo=UTC)),
    ],
)
def test_common_date_formats_become_aware_datetimes(value, expected):
    assert common.parse_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "missing"),
        (None, "missing"),
        ("yesterday", "'yesterday' is not a date"),
        (
            "03/05/2024",
            "'03/05/2024' is ambiguous (day or month first?): use YYYY-MM-DD or a date format",
        ),
    ],
)
def test_a_bad_date_is_refused_with_the_reason(value, reason):
    with pytest.raises(MappingError) as caught:
        common.parse_datetime(value)

    assert (caught.value.field, caught.value.reason) == ("received_at", reason)


@pytest.mark.parametrize(
    ("value", "scale", "expected"),
    [("4", "1-5", 4), (4.0, "1-5", 4), ("", "1-5", None), ("9", "0-10", 9)],
)
def test_ratings_are_whole_numbers_on_their_scale(value, scale, expected):
    assert common.parse_rating(value, scale) == expected


@pytest.mark.parametrize(
    ("value", "scale", "field", "reason"),
    [
        ("7", "1-5", "rating", "7 is outside 1-5"),
        ("4.5", "1-5", "rating", "4.5 is not a whole number"),
        ("good", "1-5", "rating", "'good' is not a number"),
        ("4", "five", "rating_scale", "'five' is not a scale like 1-5"),
    ],
)
def test_a_bad_rating_is_refused_with_the_reason(value, scale, field, reason):
    with pytest.raises(MappingError) as caught:
        common.parse_rating(value, scale)

    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_html_becomes_text_with_paragraphs_and_entities():
    html = (
        "<div><p>Hello&nbsp;there,</p><p>it&#39;s <b>broken</b>.<br>Help!</p>"
        "<script>x()</script></div>"
    )

    assert common.strip_html(html) == "Hello there,\n\nit's broken.\nHelp!"


def test_plain_text_with_angle_brackets_is_left_alone():
    assert common.strip_html("2 < 3 and 5 > 4") == "2 < 3 and 5 > 4"


def test_a_long_title_is_clipped_on_a_word():
    title = common.clip("word " * 100, 20)

    assert title == "word word word word…"
    assert len(title) <= 20


def test_json_values_are_streamed_across_chunk_boundaries(tmp_path):
    path = tmp_path / "values.json"
    values = [{"n": n, "pad": "x" * 1000} for n in range(200)] + [123456789, "end"]
    path.write_text("[" + ",".join(common.json.dumps(v) for v in values) + "]\n[]\n")

    assert list(common.iter_json_values(path)) == values
