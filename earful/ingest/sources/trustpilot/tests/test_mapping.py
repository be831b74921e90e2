from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.ingest.sources.base import MappingError
from earful.ingest.sources.trustpilot import SOURCE
from earful.ingest.sources.trustpilot.client import read_file, webhook_records
from earful.ingest.sources.trustpilot.mapping import to_record

SAMPLES = Path(__file__).parent / "samples"


def reviews() -> list[dict]:
    return [dict(review) for review in read_file(SAMPLES / "reviews.json")]


def test_a_review_maps_every_field():
    record = to_record(reviews()[0], {})

    assert record.external_id == "65e6f0b8a1b2c3d4e5f60718"
    assert record.title == "Never again"
    assert record.text == "Delivery was three weeks late and support never answered my emails."
    assert record.received_at == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert (record.rating, record.rating_scale) == (1, "1-5")
    assert record.author == "Jonas Nielsen"
    assert record.customer_email == "jonas.nielsen@example.com"
    assert record.url == "https://www.trustpilot.com/reviews/65e6f0b8a1b2c3d4e5f60718"
    assert record.metadata == {
        "language": "en",
        "location": "Aarhus, DK",
        "verified": True,
        "status": "active",
        "reference_id": "ORDER-1984",
        "reply": "We are sorry, Jonas. Please write to us at help@acme.com.",
        "replied_at": "2024-03-05T15:00:00Z",
    }


@pytest.mark.parametrize(
    ("index", "field", "reason"),
    [(1, "rating", "7 is outside 1-5"), (2, "received_at", "'yesterday' is not a date")],
)
def test_a_bad_review_is_rejected_naming_the_field(index, field, reason):
    with pytest.raises(MappingError) as caught:
        to_record(reviews()[index], {})

    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_read_file_streams_the_reviews_of_a_page():
    assert [r["stars"] for r in read_file(SAMPLES / "reviews.json")] == [1, 7, 4]


def test_a_webhook_gives_created_reviews_and_skips_deletions():
    body = (SAMPLES / "webhook.json").read_bytes()

    (review,) = webhook_records(body)
    record = to_record(review, {})

    assert record.external_id == "65e6f0b8a1b2c3d4e5f6071b"
    assert record.author == "Lena M."
    assert record.rating == 5
    assert record.metadata["language"] == "de"
    assert json.loads(body)["events"][1]["eventName"] == "service-review-deleted"


def test_the_source_brings_reviews():
    assert (SOURCE.name, SOURCE.kind) == ("trustpilot", "reviews")
