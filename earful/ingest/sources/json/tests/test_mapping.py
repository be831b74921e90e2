from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from earful.ingest.sources.base import MappingError
from earful.ingest.sources.json import SOURCE
from earful.ingest.sources.json.client import read_file, webhook_records
from earful.ingest.sources.json.mapping import to_record

SAMPLES = Path(__file__).parent / "samples"
COLUMNS = {
    "external_id": "uuid",
    "title": "message.subject",
    "text": "message.body",
    "received_at": "meta.created",
    "rating": "meta.score",
    "customer_email": "user.email",
    "customer_external_id": "user.id",
    "author": "user.name",
    "url": "link",
}


def records(name: str) -> list[dict]:
    return [dict(item) for item in read_file(SAMPLES / name)]


def test_a_good_object_maps_every_field_through_dotted_paths():
    record = to_record(records("feedback.json")[0], COLUMNS)

    assert record.external_id == "f-1"
    assert record.title == "Export broken"
    assert record.text == "The CSV export is <b>empty</b> since Monday."
    assert record.received_at == datetime(2024, 3, 5, 10, 15, tzinfo=UTC)
    assert (record.rating, record.rating_scale) == (2, "1-5")
    assert record.customer_email == "zoe@example.com"
    assert record.customer_external_id == "u-9"
    assert record.author == "Zoe"
    assert record.url == "https://feedback.example.com/f-1"
    assert record.metadata == {"plan": "pro", "tags": ["export", "bug"]}


@pytest.mark.parametrize(
    ("index", "field", "reason"),
    [(1, "text", "empty"), (2, "rating", "10 is outside 1-5")],
)
def test_a_bad_object_is_rejected_naming_the_field(index, field, reason):
    with pytest.raises(MappingError) as caught:
        to_record(records("feedback.json")[index], COLUMNS)

    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_json_lines_are_read_and_mapped_with_guessed_columns():
    first, second = (to_record(item, {}) for item in records("feedback.jsonl"))

    assert first.external_id == "1"
    assert first.received_at == datetime(2024, 3, 5, 10, tzinfo=timezone(timedelta(hours=2)))
    assert first.customer_email == "kim@example.com"
    assert second.rating == 2
    assert second.metadata == {"platform": "ios"}


def test_read_file_streams_a_large_array_one_object_at_a_time(tmp_path):
    path = tmp_path / "big.json"
    with path.open("w") as handle:
        handle.write("[\n")
        handle.write(
            ",\n".join(f'{{"id": {n}, "text": "item {n} ' + "x" * 200 + '"}' for n in range(3000))
        )
        handle.write("\n]")

    items = read_file(path)
    assert next(items)["id"] == 0
    assert sum(1 for _ in items) == 2999


def test_read_file_names_a_broken_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"id": 1, "text": "a"}, {"id": 2,')

    with pytest.raises(ValueError, match=r"broken.json: not valid JSON"):
        list(read_file(path))


def test_webhook_records_takes_an_object_an_array_or_a_page():
    assert webhook_records(b'{"id": 1, "text": "a"}') == [{"id": 1, "text": "a"}]
    assert webhook_records([{"id": 1}, {"id": 2}]) == [{"id": 1}, {"id": 2}]
    assert webhook_records({"records": [{"id": 3}]}) == [{"id": 3}]


def test_the_source_needs_a_column_mapping():
    assert SOURCE.needs_columns
