from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from earful.ingest.sources.app_store import SOURCE
from earful.ingest.sources.app_store.client import read_file, webhook_records
from earful.ingest.sources.app_store.mapping import to_record
from earful.ingest.sources.base import MappingError

SAMPLES = Path(__file__).parent / "samples"


def reviews() -> list[dict]:
    return [dict(review) for review in read_file(SAMPLES / "customer_reviews.json")]


def test_a_review_maps_every_field_with_the_developer_response():
    record = to_record(reviews()[0], {})

    assert record.external_id == "00000045-a1b2-004c-8d9e-f0a1b2c3d4e5"
    assert record.title == "Sync keeps failing"
    assert record.text == "Since version 4.2 my notes no longer sync between iPhone and iPad."
    assert record.received_at == datetime(2024, 3, 5, 2, 15, tzinfo=timezone(timedelta(hours=-7)))
    assert (record.rating, record.rating_scale) == (2, "1-5")
    assert record.author == "notetaker_88"
    assert record.url == ""
    assert record.metadata == {
        "territory": "USA",
        "reply": "Thanks! 4.2.1 fixes sync, please update.",
        "replied_at": "2024-03-06T09:00:00-07:00",
    }


@pytest.mark.parametrize(
    ("index", "field", "reason"),
    [(1, "rating", "0 is outside 1-5"), (2, "text", "empty")],
)
def test_a_bad_review_is_rejected_naming_the_field(index, field, reason):
    with pytest.raises(MappingError) as caught:
        to_record(reviews()[index], {})

    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_read_file_streams_the_resources_of_a_page():
    assert [r["attributes"]["territory"] for r in reviews()] == ["USA", "GBR", "DEU"]


def test_webhook_records_reads_a_json_api_document():
    review = reviews()[2]

    assert webhook_records({"data": review}) == [review]
    assert len(webhook_records((SAMPLES / "customer_reviews.json").read_text())) == 3


def test_the_source_brings_reviews():
    assert (SOURCE.name, SOURCE.kind) == ("app_store", "reviews")
