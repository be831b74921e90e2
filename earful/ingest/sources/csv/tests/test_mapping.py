from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from earful.ingest.sources.base import MappingError
from earful.ingest.sources.csv import SOURCE
from earful.ingest.sources.csv.client import read_file, webhook_records
from earful.ingest.sources.csv.mapping import to_record

SAMPLES = Path(__file__).parent / "samples"
TICKET_COLUMNS = {
    "external_id": "Ticket ID",
    "title": "Subject",
    "text": "Body",
    "received_at": "Created At",
    "rating": "Rating",
    "customer_email": "Email",
    "customer_external_id": "Customer ID",
    "url": "URL",
}
NOW = {"_default_received_at": "2024-04-01T12:00:00Z"}


def rows(name: str) -> list[dict]:
    return [dict(row) for row in read_file(SAMPLES / name)]


def test_a_good_row_maps_every_field():
    record = to_record(rows("tickets.csv")[0], TICKET_COLUMNS)

    assert record.external_id == "T-1001"
    assert record.title == "Card not arrived"
    assert record.text == (
        "I ordered my card two weeks ago and it still hasn't arrived.\nCan you check?"
    )
    assert record.received_at == datetime(2024, 3, 5, 10, 15, tzinfo=timezone(timedelta(hours=1)))
    assert (record.rating, record.rating_scale) == (2, "1-5")
    assert record.customer_email == "ana.lopez@example.com"
    assert record.customer_external_id == "C-77"
    assert record.url == "https://help.example.com/tickets/1001"
    assert record.metadata == {"Status": "open", "Agent": "Sam"}


def test_a_naive_date_is_taken_as_utc():
    record = to_record(rows("tickets.csv")[1], TICKET_COLUMNS)

    assert record.received_at == datetime(2024, 3, 6, 8, 0, tzinfo=UTC)
    assert record.url == ""


@pytest.mark.parametrize(
    ("index", "field", "reason"),
    [
        (2, "text", "empty"),
        (3, "rating", "7 is outside 1-5"),
        (4, "received_at", "'yesterday' is not a date"),
    ],
)
def test_a_bad_row_is_rejected_naming_the_field_and_reason(index, field, reason):
    with pytest.raises(MappingError) as caught:
        to_record(rows("tickets.csv")[index], TICKET_COLUMNS)

    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_without_a_mapping_the_columns_are_guessed_from_the_headers():
    record = to_record(rows("tickets.csv")[0], {})

    assert record.external_id == "T-1001"
    assert record.title == "Card not arrived"
    assert record.text.startswith("I ordered my card")
    assert record.rating == 2
    assert record.customer_email == "ana.lopez@example.com"
    assert record.customer_external_id == "C-77"
    assert record.url == "https://help.example.com/tickets/1001"


def test_a_file_without_ids_gets_a_stable_hash_and_keeps_other_columns_as_metadata():
    first = [to_record(row, NOW) for row in rows("no_ids.csv")]
    again = [
        to_record(row, {"_default_received_at": "2024-05-01T00:00:00Z"})
        for row in rows("no_ids.csv")
    ]

    assert [r.external_id for r in first] == [r.external_id for r in again]
    assert len({r.external_id for r in first}) == 3
    assert first[0].text == "I am still waiting on my card?"
    assert first[0].metadata == {"category": "card_arrival"}
    assert first[0].received_at == datetime(2024, 4, 1, 12, tzinfo=UTC)


def test_a_file_without_a_date_column_and_no_default_is_rejected():
    with pytest.raises(MappingError) as caught:
        to_record(rows("no_ids.csv")[0], {})

    assert caught.value.field == "received_at"


def test_a_row_with_an_empty_date_is_rejected_even_with_a_default():
    row = {"id": "1", "text": "hello", "date": ""}

    with pytest.raises(MappingError) as caught:
        to_record(row, NOW)

    assert (caught.value.field, caught.value.reason) == ("received_at", "missing")


def test_a_mapped_column_the_file_lacks_is_named():
    with pytest.raises(MappingError) as caught:
        to_record({"Body": "hi"}, {"text": "Comment", **NOW})

    assert (caught.value.field, caught.value.reason) == ("text", "no column 'Comment' in the file")


def test_a_mapping_naming_an_unknown_field_is_refused():
    with pytest.raises(MappingError) as caught:
        to_record({"Body": "hi"}, {"text": "Body", "sentiment": "Mood", **NOW})

    assert caught.value.field == "sentiment"


def test_a_date_format_option_reads_day_first_dates():
    row = {"text": "hi", "date": "03/05/2024"}

    with pytest.raises(MappingError, match="ambiguous"):
        to_record(row, {})
    record = to_record(row, {"_date_format": "%d/%m/%Y"})

    assert record.received_at == datetime(2024, 5, 3, tzinfo=UTC)


def test_a_post_row_carries_its_counts_as_metrics():
    (row,) = rows("posts.csv")
    record = to_record(row, {})

    assert record.external_id == "p-1"
    assert record.author == "@angry_ana"
    assert record.url == "https://x.com/angry_ana/status/1"
    assert record.received_at == datetime(2024, 3, 5, 9, tzinfo=UTC)
    (metrics,) = record.metrics
    assert metrics.observed_at == datetime(2024, 3, 5, 12, tzinfo=UTC)
    assert (metrics.followers, metrics.reach, metrics.likes, metrics.shares, metrics.comments) == (
        12000,
        54000,
        120,
        45,
        30,
    )
    assert record.metadata == {"platform": "x"}


def test_read_file_streams_rows_with_quoted_newlines():
    reader = read_file(SAMPLES / "tickets.csv")

    first = next(reader)
    assert first["Ticket ID"] == "T-1001"
    assert "\n" in first["Body"]
    assert len(list(reader)) == 4


def test_read_file_reads_the_banking77_shape():
    assert rows("no_ids.csv")[2] == {
        "text": "My top-up was declined, why?",
        "category": "top_up_failed",
    }


def test_webhook_records_takes_json_rows_or_csv_text():
    assert webhook_records(b'[{"text": "a"}, {"text": "b"}]') == [{"text": "a"}, {"text": "b"}]
    assert webhook_records({"rows": [{"text": "a"}]}) == [{"text": "a"}]
    assert webhook_records("id,text\n1,hello\n") == [{"id": "1", "text": "hello"}]


def test_the_source_needs_a_column_mapping():
    assert SOURCE.needs_columns
    assert SOURCE.kind == "any"
