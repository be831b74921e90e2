from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.ingest.sources.base import MappingError
from earful.ingest.sources.google_play import SOURCE
from earful.ingest.sources.google_play.client import read_file, webhook_records
from earful.ingest.sources.google_play.mapping import to_record

SAMPLES = Path(__file__).parent / "samples"


def reviews() -> list[dict]:
    return [dict(review) for review in read_file(SAMPLES / "reviews_list.json")]


def test_a_review_maps_every_field():
    record = to_record(reviews()[0], {})

    assert record.external_id == "gp:AOqpTOH1kFd0nZx2v4Zh0R7bHtzM7bXyAbCdEfGhIjK"
    assert record.text == "The latest update drains my battery in two hours. Please fix!"
    assert record.received_at == datetime(2024, 3, 5, 9, 15, 0, 796000, tzinfo=UTC)
    assert (record.rating, record.rating_scale) == (1, "1-5")
    assert record.author == "Dana Whitfield"
    assert record.metadata == {
        "language": "en",
        "app_version": "4.2.1",
        "app_version_code": "4210",
        "device": "oriole",
        "android_version": "34",
        "thumbs_up": 12,
        "reply": "Hi Dana, 4.2.2 fixes the battery drain.",
        "replied_at": "2024-03-06T09:15:00+00:00",
    }


@pytest.mark.parametrize(
    ("index", "field", "reason"),
    [(1, "rating", "9 is outside 1-5"), (2, "text", "empty")],
)
def test_a_bad_review_is_rejected_naming_the_field(index, field, reason):
    with pytest.raises(MappingError) as caught:
        to_record(reviews()[index], {})

    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_a_review_without_a_user_comment_is_rejected():
    with pytest.raises(MappingError) as caught:
        to_record({"reviewId": "gp:1", "comments": []}, {})

    assert caught.value.field == "comments"


def test_read_file_streams_the_reviews_of_a_list_page():
    assert [r["authorName"] for r in reviews()] == ["Dana Whitfield", "Sam", "Kim"]


def test_webhook_records_reads_relayed_reviews():
    review = reviews()[0]

    assert webhook_records({"reviews": [review]}) == [review]
    assert webhook_records(review) == [review]


def test_the_source_brings_reviews():
    assert (SOURCE.name, SOURCE.kind) == ("google_play", "reviews")
