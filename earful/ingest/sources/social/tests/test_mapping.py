from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from earful.ingest.sources.base import MappingError, Metrics
from earful.ingest.sources.social import SOURCE
from earful.ingest.sources.social.client import read_file, webhook_records
from earful.ingest.sources.social.mapping import to_record

SAMPLES = Path(__file__).parent / "samples"


def posts() -> list[dict]:
    return [dict(post) for post in read_file(SAMPLES / "posts.jsonl")]


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, 5, hour, minute, tzinfo=UTC)


def test_a_post_maps_every_field_with_its_metrics_oldest_first():
    record = to_record(posts()[0], {})

    assert record.external_id == "1765432100123456789"
    assert record.text.startswith("@earful lost all my survey data AGAIN.")
    assert record.received_at == at(9)
    assert record.author == "@angry_ana"
    assert record.url == "https://x.com/angry_ana/status/1765432100123456789"
    assert record.rating is None
    assert record.metrics == (
        Metrics(observed_at=at(9, 30), followers=12000, reach=900, likes=4, shares=1, comments=2),
        Metrics(observed_at=at(10), followers=12050, reach=8000, likes=60, shares=18, comments=9),
        Metrics(
            observed_at=at(11), followers=12000, reach=54000, likes=310, shares=95, comments=40
        ),
    )
    assert record.metadata == {
        "platform": "x",
        "author_id": "44196397",
        "author_name": "Ana Lopez",
        "language": "en",
        "hashtags": ["fail"],
    }


def test_a_post_with_flat_counts_has_one_observation():
    record = to_record(posts()[1], {})

    assert record.text == "Loving the new Earful widget on my shop!"
    assert record.received_at == datetime(2024, 3, 6, 18, 20, tzinfo=timezone(timedelta(hours=1)))
    assert record.metrics == (
        Metrics(
            observed_at=datetime(2024, 3, 7, 8, tzinfo=UTC),
            followers=830,
            reach=1200,
            likes=87,
            shares=3,
            comments=5,
        ),
    )


def test_flat_counts_without_an_observation_time_are_dated_by_the_import():
    post = {"id": "1", "text": "hi", "posted_at": "2024-03-05T09:00:00Z", "likes": 3}

    record = to_record(post, {"_default_received_at": "2024-04-01T00:00:00Z"})

    assert record.metrics[0].observed_at == datetime(2024, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("index", "field", "reason"),
    [(2, "metrics.0.likes", "-3 is not a count"), (3, "text", "empty")],
)
def test_a_bad_post_is_rejected_naming_the_field(index, field, reason):
    with pytest.raises(MappingError) as caught:
        to_record(posts()[index], {})

    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_read_file_streams_json_lines():
    assert [p["platform"] for p in read_file(SAMPLES / "posts.jsonl")] == [
        "X",
        "instagram",
        "reddit",
        "reddit",
    ]


def test_webhook_records_reads_a_post_or_a_list_of_posts():
    post = posts()[1]

    assert webhook_records(post) == [post]
    assert webhook_records({"posts": [post, post]}) == [post, post]


def test_the_source_brings_posts():
    assert (SOURCE.name, SOURCE.kind) == ("social", "posts")
