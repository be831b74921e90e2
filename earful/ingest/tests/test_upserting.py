"""The record writer imports and webhooks share: upsert on (organization, source_key), a rerun
changes nothing, changed words go back to enrichment, a chunk costs a handful of queries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from earful.customers.models import Customer
from earful.feedback.models import FeedbackItem
from earful.feedback.signals import feedback_recorded
from earful.ingest.models import PostSnapshot
from earful.ingest.services.upserting import check_record, upsert_records
from earful.ingest.sources.base import MappingError, Metrics, Record, Source
from earful.insights.handlers import enqueue_enrichment

WHEN = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def _unused(*args: Any) -> Any:
    raise AssertionError("not called by the writer")


def make_source(name: str = "helpdesk", kind: str = "tickets") -> Source:
    return Source(
        name=name,
        label=f"{name} {kind}",
        kind=kind,
        to_record=_unused,
        read_file=_unused,
        webhook_records=_unused,
    )


TICKETS = make_source()
POSTS = make_source("socialnet", "posts")


def ticket(external_id: str = "T-1", text: str = "The export button does nothing", **more):
    return Record(external_id=external_id, text=text, received_at=WHEN, **more)


@pytest.fixture
def announced() -> Iterator[list[list[int]]]:
    """The item ids of every `feedback_recorded` sent (enrichment is not run here)."""
    sent: list[list[int]] = []

    def collect(sender: Any, item_ids: list[int], **kwargs: Any) -> None:
        sent.append(list(item_ids))

    feedback_recorded.disconnect(enqueue_enrichment)
    feedback_recorded.connect(collect)
    yield sent
    feedback_recorded.disconnect(collect)
    feedback_recorded.connect(enqueue_enrichment)


def test_records_become_feedback_items_of_the_source_s_channel(org_a):
    record = ticket(
        title="Export broken",
        author="Dana",
        url="https://help.example.com/tickets/1",
        rating=2,
        rating_scale="1-5",
        metadata={"priority": "high"},
    )
    counts = upsert_records(organization=org_a, source=TICKETS, records=[record])
    item = FeedbackItem.objects.get()
    assert (counts.new, counts.updated, counts.unchanged, counts.item_ids) == (1, 0, 0, (item.pk,))
    assert (item.channel, item.source, item.external_id, item.source_key) == (
        "ticket",
        "helpdesk",
        "T-1",
        "helpdesk:T-1",
    )
    assert (item.title, item.author, item.url, item.metadata) == (
        "Export broken",
        "Dana",
        "https://help.example.com/tickets/1",
        {"priority": "high"},
    )
    assert (item.text, item.score, item.score_scale, item.received_at) == (
        "The export button does nothing",
        2,
        "1-5",
        WHEN,
    )
    assert item.analyzed_at is None


def test_a_rerun_of_the_same_records_adds_and_changes_nothing(org_a):
    records = [ticket("T-1"), ticket("T-2", "Billing twice this month")]
    first = upsert_records(organization=org_a, source=TICKETS, records=records)
    stamps = dict(FeedbackItem.objects.values_list("pk", "updated_at"))
    again = upsert_records(organization=org_a, source=TICKETS, records=records)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert again.item_ids == first.item_ids
    assert dict(FeedbackItem.objects.values_list("pk", "updated_at")) == stamps


def test_changed_words_update_the_item_and_send_it_back_to_enrichment(org_a):
    upsert_records(organization=org_a, source=TICKETS, records=[ticket(), ticket("T-2")])
    FeedbackItem.objects.update(
        analyzed_at=timezone.now(), sentiment="negative", sentiment_score=-0.8, hesitant=False
    )
    counts = upsert_records(
        organization=org_a,
        source=TICKETS,
        records=[ticket(text="Fixed after the update, thanks"), ticket("T-2")],
    )
    assert (counts.new, counts.updated, counts.unchanged) == (0, 1, 1)
    changed = FeedbackItem.objects.get(external_id="T-1")
    assert changed.text == "Fixed after the update, thanks"
    assert (changed.analyzed_at, changed.sentiment, changed.sentiment_score) == (None, "", None)
    assert changed.hesitant is None
    kept = FeedbackItem.objects.get(external_id="T-2")
    assert (kept.sentiment, kept.analyzed_at is not None) == ("negative", True)


def test_a_changed_title_keeps_the_analysis_of_unchanged_words(org_a):
    upsert_records(organization=org_a, source=TICKETS, records=[ticket()])
    FeedbackItem.objects.update(analyzed_at=timezone.now(), sentiment="negative")
    counts = upsert_records(organization=org_a, source=TICKETS, records=[ticket(title="Urgent")])
    assert counts.updated == 1
    item = FeedbackItem.objects.get()
    assert (item.title, item.sentiment, item.analyzed_at is not None) == (
        "Urgent",
        "negative",
        True,
    )


def test_of_records_sharing_an_external_id_the_last_wins_and_counts_once(org_a):
    records = [ticket(text="first words"), ticket("T-2"), ticket(text="last words")]
    counts = upsert_records(organization=org_a, source=TICKETS, records=records)
    assert (counts.new, len(counts.item_ids)) == (2, 2)
    assert FeedbackItem.objects.get(external_id="T-1").text == "last words"


def test_the_same_external_id_in_another_organization_or_source_is_another_item(org_a, charlie):
    upsert_records(organization=org_a, source=TICKETS, records=[ticket()])
    upsert_records(organization=charlie.organization, source=TICKETS, records=[ticket()])
    other = make_source("otherdesk")
    counts = upsert_records(organization=org_a, source=other, records=[ticket()])
    assert counts.new == 1
    assert FeedbackItem.objects.count() == 3


def test_customers_are_matched_by_external_id_or_email_within_the_organization(org_a, charlie):
    by_id = Customer.objects.create(organization=org_a, external_id="c-1", email="one@x.test")
    by_email = Customer.objects.create(organization=org_a, external_id="c-2", email="two@x.test")
    Customer.objects.create(organization=charlie.organization, external_id="c-9", email="x@x.test")
    records = [
        ticket("T-1", customer_external_id="c-1", customer_email="two@x.test"),
        ticket("T-2", customer_email="Two@X.test"),
        ticket("T-3", customer_external_id="c-9", customer_email="x@x.test"),
    ]
    upsert_records(organization=org_a, source=TICKETS, records=records)
    customers = dict(FeedbackItem.objects.values_list("external_id", "customer"))
    assert customers == {"T-1": by_id.pk, "T-2": by_email.pk, "T-3": None}


def test_a_customer_matched_once_stays_when_a_later_record_names_none(org_a):
    customer = Customer.objects.create(organization=org_a, external_id="c-1")
    upsert_records(organization=org_a, source=TICKETS, records=[ticket(customer_external_id="c-1")])
    counts = upsert_records(organization=org_a, source=TICKETS, records=[ticket()])
    assert counts.unchanged == 1
    assert FeedbackItem.objects.get().customer_id == customer.pk


def test_the_import_s_kind_overrides_the_source_s_kind(org_a):
    files = make_source("csv", "tickets")
    review = ticket("R-1", rating=1, rating_scale="1-5")
    upsert_records(organization=org_a, source=files, records=[review], kind="reviews")
    assert FeedbackItem.objects.get().channel == "review"
    with pytest.raises(ValueError, match="kind 'letters'"):
        upsert_records(organization=org_a, source=files, records=[review], kind="letters")


def test_metrics_become_post_snapshots_once_per_observation_time(org_a):
    early = Metrics(observed_at=WHEN, followers=900, reach=1000, likes=10, shares=2, comments=1)
    later = Metrics(observed_at=WHEN + timedelta(hours=1), reach=50000, likes=800, shares=300)
    post = Record(external_id="p1", text="Worst airline ever", received_at=WHEN, metrics=(early,))
    upsert_records(organization=org_a, source=POSTS, records=[post])
    again = Record(
        external_id="p1", text="Worst airline ever", received_at=WHEN, metrics=(early, later)
    )
    counts = upsert_records(organization=org_a, source=POSTS, records=[again])
    assert counts.unchanged == 1
    snapshots = list(PostSnapshot.objects.values_list("observed_at", "reach", "likes", "shares"))
    assert snapshots == [(WHEN, 1000, 10, 2), (WHEN + timedelta(hours=1), 50000, 800, 300)]
    assert FeedbackItem.objects.get().channel == "social"


def test_new_and_changed_items_are_announced_once_committed(
    org_a, announced, django_capture_on_commit_callbacks
):
    upsert_records(organization=org_a, source=TICKETS, records=[ticket("T-1"), ticket("T-2")])
    with django_capture_on_commit_callbacks(execute=True):
        counts = upsert_records(
            organization=org_a,
            source=TICKETS,
            records=[ticket("T-1"), ticket("T-2", "new words"), ticket("T-3")],
        )
        assert announced == []  # nothing before the commit
    _, changed, new = counts.item_ids
    assert sorted(ids for sent in announced for ids in sent) == sorted([changed, new])


def test_many_items_are_announced_at_most_500_at_a_time(
    org_a, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upsert_records(
            organization=org_a, source=TICKETS, records=[ticket(f"T-{i}") for i in range(1200)]
        )
    assert sorted(len(ids) for ids in announced) == [200, 500, 500]


@pytest.mark.parametrize(
    ("record", "field", "reason"),
    [
        (ticket(" "), "external_id", "is empty"),
        (ticket("x" * 200), "external_id", "longer than 191 characters"),
        (ticket(text="  "), "text", "is empty"),
        (
            Record(external_id="a", text="b", received_at=WHEN.replace(tzinfo=None)),
            "received_at",
            "time zone",
        ),
        (ticket(rating=7, rating_scale="1-5"), "rating", "7 is outside 1-5"),
        (ticket(text="\x00"), "text", "NUL"),
        (ticket(title="caf\ud800"), "title", "lone surrogate"),
        (ticket("T\x00"), "external_id", "NUL"),
        (ticket(metadata={"at": WHEN}), "metadata", "is not JSON"),
        (ticket(metadata={"stars": float("nan")}), "metadata", "is not JSON"),
        (ticket(metadata={"note": "a\x00b"}), "metadata.note", "NUL"),
        (ticket(url="https://x.test/" + "a" * 500), "url", "longer than 500"),
    ],
)
def test_a_record_that_cannot_be_stored_is_refused_with_the_field_and_reason(
    org_a, record, field, reason
):
    with pytest.raises(MappingError) as refused:
        check_record(record, source=TICKETS)
    assert refused.value.field == field
    assert reason in refused.value.reason
    with pytest.raises(MappingError):
        upsert_records(organization=org_a, source=TICKETS, records=[ticket("fine"), record])
    assert not FeedbackItem.objects.exists()  # nothing of the chunk is written


def test_nul_characters_in_words_are_refused_and_texts_come_out_nfc(org_a):
    """core.text: refused at the edge, never silently cut or dropped."""
    with pytest.raises(MappingError) as refused:
        upsert_records(organization=org_a, source=TICKETS, records=[ticket(text="Broken\x00 x")])
    assert refused.value.field == "text"
    upsert_records(organization=org_a, source=TICKETS, records=[ticket(text="cafe\u0301")])
    assert FeedbackItem.objects.get().text == "caf\u00e9"


def test_a_chunk_of_1000_records_costs_a_handful_of_queries(org_a, django_assert_max_num_queries):
    for number in range(20):
        Customer.objects.create(organization=org_a, external_id=f"c-{number}")
    records = [
        ticket(f"T-{n}", f"Ticket number {n}", customer_external_id=f"c-{n % 20}")
        for n in range(1000)
    ]
    with django_assert_max_num_queries(8):
        counts = upsert_records(organization=org_a, source=TICKETS, records=records)
    assert counts.new == 1000
    rerun = [
        ticket(r.external_id, r.text + (" again" if n % 2 else "")) for n, r in enumerate(records)
    ]
    with django_assert_max_num_queries(8):
        counts = upsert_records(organization=org_a, source=TICKETS, records=rerun)
    assert (counts.new, counts.updated, counts.unchanged) == (0, 500, 500)
    assert FeedbackItem.objects.filter(text__endswith=" again").count() == 500
