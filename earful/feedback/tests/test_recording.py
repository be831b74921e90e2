"""Recording feedback items: one statement for many, a retry never doubles an item (and the
inserts underneath, `core.rows`, which the answer hot path uses too)."""

from __future__ import annotations

from django.utils import timezone

from earful.accounts.models import Organization
from earful.core.rows import insert_rows, prepare_rows
from earful.feedback.models import Channel, FeedbackItem
from earful.feedback.services import prepare_feedback, record_feedback


def item(organization: Organization, key: str, text: str = "Slow delivery") -> FeedbackItem:
    return FeedbackItem(
        organization=organization,
        channel=Channel.SURVEY,
        source_key=key,
        text=text,
        score=3,
        received_at=timezone.now(),
    )


def test_recording_the_same_items_again_stores_each_once(org_a):
    assert record_feedback(items=[item(org_a, "a"), item(org_a, "b")]) == 2
    record_feedback(items=[item(org_a, "a", "Other words"), item(org_a, "c")])
    assert dict(FeedbackItem.objects.values_list("source_key", "text")) == {
        "a": "Slow delivery",
        "b": "Slow delivery",
        "c": "Slow delivery",
    }


def test_items_without_words_are_not_recorded(org_a):
    assert record_feedback(items=[item(org_a, "a", "   "), item(org_a, "b")]) == 1
    assert list(FeedbackItem.objects.values_list("source_key", flat=True)) == ["b"]


def test_the_same_key_in_another_organization_is_another_item(org_a, charlie):
    record_feedback(items=[item(org_a, "a"), item(charlie.organization, "a")])
    assert FeedbackItem.objects.count() == 2


def test_a_prepared_recording_writes_nothing_until_recorded(org_a):
    recording = prepare_feedback(items=[item(org_a, "a")])
    assert not FeedbackItem.objects.exists()
    assert recording.record() == 1
    assert FeedbackItem.objects.get().source_key == "a"


def test_many_items_are_written_in_batches_with_the_orm_s_values(org_a):
    items = [item(org_a, f"k{i}") for i in range(1203)]
    assert len(prepare_rows(items).chunks) == 3
    assert record_feedback(items=items) == 1203
    stored = FeedbackItem.objects.get(source_key="k1202")
    assert (stored.channel, stored.score, stored.analyzed_at) == ("survey", 3, None)
    assert stored.created_at is not None
    assert stored.updated_at is not None


def test_a_lone_row_gets_its_id_and_a_colliding_one_is_skipped(org_a):
    first, again = item(org_a, "a"), item(org_a, "a")
    assert insert_rows([first], unique=("organization", "source_key")) == 1
    assert first.pk == FeedbackItem.objects.get().pk
    assert insert_rows([again], unique=("organization", "source_key")) == 0
    assert again.pk is None


def test_a_row_with_a_condition_is_written_only_while_it_holds(org_a):
    table = Organization._meta.db_table
    holds = (f"EXISTS (SELECT 1 FROM {table} WHERE id = %s)", [org_a.pk])
    fails = (f"EXISTS (SELECT 1 FROM {table} WHERE id = %s)", [org_a.pk + 1000])
    assert insert_rows([item(org_a, "a")], where=fails) == 0
    assert insert_rows([item(org_a, "a")], where=holds) == 1
    assert FeedbackItem.objects.count() == 1
