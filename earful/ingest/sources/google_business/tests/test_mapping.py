from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.ingest.sources.base import MappingError
from earful.ingest.sources.google_business import SOURCE
from earful.ingest.sources.google_business.client import read_file, webhook_records
from earful.ingest.sources.google_business.mapping import to_record

SAMPLES = Path(__file__).parent / "samples"


def reviews() -> list[dict]:
    return [dict(review) for review in read_file(SAMPLES / "reviews_list.json")]


def test_a_review_maps_every_field():
    record = to_record(reviews()[0], {})

    assert record.external_id == "AbFvOqm1fXrNkHSh3sN8"
    assert record.text == "Waited 40 minutes at the counter and nobody could find my order."
    assert record.received_at == datetime(2024, 3, 5, 9, 15, 27, 624000, tzinfo=UTC)
    assert (record.rating, record.rating_scale) == (2, "1-5")
    assert record.author == "Marta Kowalska"
    assert record.metadata == {
        "name": "accounts/1123581321/locations/3455891442/reviews/AbFvOqm1fXrNkHSh3sN8",
        "location": "accounts/1123581321/locations/3455891442",
        "updated_at": "2024-03-05T09:15:27.624Z",
        "reply": "Sorry Marta, we are looking into it.",
        "replied_at": "2024-03-05T13:02:11.100Z",
    }


def test_a_translated_review_keeps_the_original_and_an_anonymous_one_has_no_author():
    record = to_record(reviews()[1], {})

    assert record.text == "Sehr freundliches Personal!"
    assert record.metadata["translation"] == "Very friendly staff!"
    assert record.author == ""
    assert record.rating == 5


@pytest.mark.parametrize(
    ("index", "field", "reason"),
    [(2, "rating", "'SIX' is not ONE to FIVE"), (3, "text", "empty")],
)
def test_a_bad_review_is_rejected_naming_the_field(index, field, reason):
    with pytest.raises(MappingError) as caught:
        to_record(reviews()[index], {})

    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_read_file_streams_the_reviews_of_a_list_page():
    assert len(reviews()) == 4


def test_webhook_records_reads_reviews_and_pubsub_pushes():
    review = reviews()[0]
    data = base64.b64encode(json.dumps({"review": review}).encode()).decode()
    notification = base64.b64encode(
        json.dumps({"type": "NEW_REVIEW", "review": review["name"]}).encode()
    ).decode()

    assert webhook_records({"review": review}) == [review]
    assert webhook_records({"message": {"data": data, "messageId": "1"}}) == [review]
    assert webhook_records({"message": {"data": notification}}) == []


def test_the_source_brings_reviews():
    assert (SOURCE.name, SOURCE.kind) == ("google_business", "reviews")
