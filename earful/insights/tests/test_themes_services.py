"""Stored themes: refresh, incremental assignment, and people's edits surviving a refresh.

Most tests plant embeddings (stored as the items' embeddings, so no model runs); the last
ones read real BANKING77 requests (tests/fixtures/banking77_excerpt.csv, CC BY 4.0)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earful.feedback.models import FeedbackItem
from earful.insights.models import ItemTheme, Theme, ThemeStatus
from earful.insights.services.embeddings import store_embeddings
from earful.insights.services.theme_edits import (
    ThemeEditInvalid,
    merge_themes,
    rename_theme,
    split_theme,
)
from earful.insights.services.themes import (
    assign_items,
    refresh_due_themes,
    refresh_themes,
    themes_due,
)

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
TOPICS = {
    "refund": "My refund is late again",
    "crash": "The app crashes when I log in",
    "delivery": "The parcel arrived damaged",
    "staff": "The staff in the shop were rude",
}
RNG = np.random.default_rng(0)
CENTRES = {name: RNG.standard_normal(384) for name in TOPICS}


def unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


def add_items(organization, topic: str, count: int, *, start: int = 0, seed: int = 1):
    """`count` items about `topic` with planted embeddings near the topic's centre."""
    rng = np.random.default_rng(seed + start)
    items = FeedbackItem.objects.bulk_create(
        [
            FeedbackItem(
                organization=organization,
                channel="ticket",
                source_key=f"{topic}-{start + i}",
                text=f"{TOPICS.get(topic, topic)} (ticket {start + i})",
                received_at=NOW,
            )
            for i in range(count)
        ]
    )
    centre = unit(CENTRES[topic]) if topic in CENTRES else unit(rng.standard_normal(384))
    vectors = [unit(centre + 0.045 * rng.standard_normal(384)) for _ in range(count)]
    store_embeddings(items=items, vectors=np.vstack(vectors))
    return items


@pytest.fixture
def four_topics(alice):
    for topic in TOPICS:
        add_items(alice.organization, topic, 20)
    return alice.organization


def active(organization) -> list[Theme]:
    return list(Theme.objects.filter(organization=organization, status=ThemeStatus.ACTIVE))


def theme_of(item) -> Theme | None:
    return ItemTheme.objects.get(item=item).theme


def theme_about(organization, topic: str) -> Theme:
    item = FeedbackItem.objects.get(organization=organization, source_key=f"{topic}-0")
    theme = theme_of(item)
    assert theme is not None
    return theme


def test_a_refresh_finds_the_topics_and_leaves_misfits_emerging(four_topics):
    loners = [add_items(four_topics, f"odd {i}", 1, seed=100 + i)[0] for i in range(3)]
    report = refresh_themes(organization=four_topics)
    assert (report.items, report.themes, report.new_themes, report.emerging) == (83, 4, 4, 3)
    assert sorted(t.size for t in active(four_topics)) == [20, 20, 20, 20]
    assert all(theme_of(item) is None for item in loners)
    refund = theme_about(four_topics, "refund")
    assert "refund" in refund.label.lower()
    assert len(refund.examples) == 3


def test_a_second_refresh_keeps_theme_ids(four_topics):
    refresh_themes(organization=four_topics)
    before = {t.pk for t in active(four_topics)}
    add_items(four_topics, "refund", 5, start=20)
    report = refresh_themes(organization=four_topics)
    assert {t.pk for t in active(four_topics)} == before
    assert (report.kept_themes, report.new_themes, report.removed_themes) == (4, 0, 0)
    assert theme_about(four_topics, "refund").size == 25


def test_a_rename_survives_the_next_refresh(four_topics):
    refresh_themes(organization=four_topics)
    theme = rename_theme(theme=theme_about(four_topics, "refund"), label="  Late   refunds ")
    assert theme.name == "Late refunds"
    add_items(four_topics, "refund", 5, start=20)
    refresh_themes(organization=four_topics)
    again = theme_about(four_topics, "refund")
    assert again.pk == theme.pk
    assert again.name == "Late refunds"
    assert "refund" in again.label.lower()  # the generated label is still renewed


def test_a_merge_survives_the_next_refresh(four_topics):
    refresh_themes(organization=four_topics)
    crash, refund = theme_about(four_topics, "crash"), theme_about(four_topics, "refund")
    merged = merge_themes(theme=crash, into=refund)
    assert merged.size == 40
    assert theme_about(four_topics, "crash").pk == refund.pk
    add_items(four_topics, "crash", 5, start=20)
    refresh_themes(organization=four_topics)
    assert len(active(four_topics)) == 3
    assert theme_about(four_topics, "crash").pk == refund.pk
    assert Theme.objects.get(pk=refund.pk).size == 45
    assert Theme.objects.get(pk=crash.pk).status == ThemeStatus.MERGED


def test_a_split_survives_the_next_refresh(four_topics):
    refresh_themes(organization=four_topics)
    staff = theme_about(four_topics, "staff")
    parts = split_theme(theme=staff, into=2)
    assert len(parts) == 2
    assert sum(part.size for part in parts) == 20
    assert all(part.created_by_user and part.split_from_id == staff.pk for part in parts)
    staff_items = FeedbackItem.objects.filter(source_key__startswith="staff-")
    before = {item.pk: theme_of(item).pk for item in staff_items}
    refresh_themes(organization=four_topics)
    assert Theme.objects.get(pk=staff.pk).status == ThemeStatus.SPLIT
    assert len(active(four_topics)) == 5
    assert {item.pk: theme_of(item).pk for item in staff_items} == before


def test_edits_that_make_no_sense_are_refused(four_topics, charlie):
    refresh_themes(organization=four_topics)
    refund = theme_about(four_topics, "refund")
    with pytest.raises(ThemeEditInvalid, match="into itself"):
        merge_themes(theme=refund, into=refund)
    with pytest.raises(ThemeEditInvalid, match="between 2 and 10"):
        split_theme(theme=refund, into=11)
    with pytest.raises(ThemeEditInvalid, match="at most 200"):
        rename_theme(theme=refund, label="x" * 201)
    merge_themes(theme=theme_about(four_topics, "crash"), into=refund)
    crash = Theme.objects.get(organization=four_topics, status=ThemeStatus.MERGED)
    with pytest.raises(ThemeEditInvalid, match="merged, not active"):
        split_theme(theme=crash)


def test_new_items_join_their_theme_without_reclustering(four_topics):
    refresh_themes(organization=four_topics)
    ids_before = set(Theme.objects.values_list("pk", flat=True))
    new = add_items(four_topics, "delivery", 3, start=20) + add_items(four_topics, "odd", 1)
    assert assign_items(organization=four_topics, items=new) == 3
    delivery = theme_about(four_topics, "delivery")
    assert [theme_of(item) for item in new] == [delivery, delivery, delivery, None]
    assert Theme.objects.get(pk=delivery.pk).size == 23
    assert set(Theme.objects.values_list("pk", flat=True)) == ids_before


def test_refresh_themes_command_reports_what_it_found(four_topics):
    out = StringIO()
    call_command("refresh_themes", org=four_topics.slug, stdout=out, verbosity=0)
    assert "80 items: 4 themes (0 kept, 4 new, 0 removed), 0 new/emerging" in out.getvalue()


# The API ----------------------------------------------------------------------------------


def test_the_theme_list_shows_names_sizes_and_examples(four_topics, alice, bob):
    refresh_themes(organization=four_topics)
    body = bob.api.get("/api/v1/themes").json()
    assert body["count"] == 4
    assert body["emerging"] == 0
    first = body["items"][0]
    assert first["size"] == 20
    assert len(first["examples"]) == 3
    assert first["examples"][0]["text"].startswith(tuple(TOPICS.values()))


def test_people_rename_merge_and_split_themes_through_the_api(four_topics, alice):
    refresh_themes(organization=four_topics)
    refund, crash = theme_about(four_topics, "refund"), theme_about(four_topics, "crash")
    answer = alice.api.patch(
        f"/api/v1/themes/{refund.pk}", {"label": "Late refunds"}, content_type="application/json"
    )
    assert answer.json()["label"] == "Late refunds"
    answer = alice.api.post(
        f"/api/v1/themes/{crash.pk}/merge", {"into": refund.pk}, content_type="application/json"
    )
    assert (answer.json()["id"], answer.json()["size"]) == (refund.pk, 40)
    answer = alice.api.post(
        f"/api/v1/themes/{refund.pk}/split", {"into": 2}, content_type="application/json"
    )
    assert [part["split_from"] for part in answer.json()] == [refund.pk, refund.pk]
    answer = alice.api.post(
        f"/api/v1/themes/{refund.pk}/split", {"into": 2}, content_type="application/json"
    )
    assert answer.status_code == 422


def test_charlie_gets_404_for_alice_s_themes(four_topics, charlie):
    refresh_themes(organization=four_topics)
    refund, crash = theme_about(four_topics, "refund"), theme_about(four_topics, "crash")
    assert charlie.api.get("/api/v1/themes").json() == {"count": 0, "emerging": 0, "items": []}
    json = "application/json"
    assert charlie.api.patch(f"/api/v1/themes/{refund.pk}", {"label": "x"}, json).status_code == 404
    url = f"/api/v1/themes/{crash.pk}/merge"
    assert charlie.api.post(url, {"into": refund.pk}, json).status_code == 404
    assert charlie.api.post(f"/api/v1/themes/{refund.pk}/split", {}, json).status_code == 404
    assert Theme.objects.get(pk=refund.pk).user_label == ""


def test_a_viewer_reads_themes_but_cannot_edit_them(four_topics, persona_with_role):
    refresh_themes(organization=four_topics)
    viewer = persona_with_role("viewer")
    refund = theme_about(four_topics, "refund")
    assert viewer.api.get("/api/v1/themes").status_code == 200
    answer = viewer.api.patch(f"/api/v1/themes/{refund.pk}", {"label": "x"}, "application/json")
    assert answer.status_code == 403


def test_the_theme_list_takes_the_same_queries_for_more_themes(alice):
    add_items(alice.organization, "refund", 20)
    add_items(alice.organization, "crash", 20)
    refresh_themes(organization=alice.organization)
    alice.api.get("/api/v1/themes")  # the token's first use of the day is recorded once
    with CaptureQueriesContext(connection) as few:
        alice.api.get("/api/v1/themes")
    add_items(alice.organization, "delivery", 20)
    add_items(alice.organization, "staff", 20)
    refresh_themes(organization=alice.organization)
    with CaptureQueriesContext(connection) as many:
        assert alice.api.get("/api/v1/themes").json()["count"] == 4
    assert len(many.captured_queries) == len(few.captured_queries)


# Real text ---------------------------------------------------------------------------------

EXCERPT = Path(__file__).parent / "fixtures" / "banking77_excerpt.csv"


def test_real_requests_get_themes_and_an_unrelated_one_is_emerging(alice):
    with EXCERPT.open(newline="", encoding="utf-8") as stream:
        texts = [row["text"] for row in csv.DictReader(stream)]
    FeedbackItem.objects.bulk_create(
        [
            FeedbackItem(
                organization=alice.organization,
                channel="ticket",
                source_key=f"b77-{i}",
                text=text,
                received_at=NOW,
            )
            for i, text in enumerate(texts)
        ]
    )
    report = refresh_themes(organization=alice.organization)
    assert 4 <= report.themes <= 6
    new = FeedbackItem.objects.bulk_create(
        [
            FeedbackItem(
                organization=alice.organization,
                channel="ticket",
                source_key=key,
                text=text,
                received_at=NOW,
            )
            for key, text in [
                ("sofa", "The delivery driver left my sofa out in the rain"),
                ("close", "Please close my account, I am leaving"),
            ]
        ]
    )
    assert assign_items(organization=alice.organization, items=new) == 1
    assert theme_of(new[0]) is None
    assert "account" in theme_of(new[1]).name.lower()


def test_a_refresh_without_feedback_finds_no_themes(alice):
    report = refresh_themes(organization=alice.organization)
    assert (report.items, report.themes, report.emerging) == (0, 0, 0)
    assert alice.api.get("/api/v1/themes").json() == {"count": 0, "emerging": 0, "items": []}


def _analyze_all(organization) -> None:
    FeedbackItem.objects.filter(organization=organization).update(
        analyzed_at=NOW, sentiment="neutral"
    )


def test_the_worker_finds_the_first_themes_once_enough_items_are_analyzed(four_topics, charlie):
    assert refresh_due_themes(now=NOW) == 0  # 80 items, none analyzed yet
    _analyze_all(four_topics)
    add_items(charlie.organization, "refund", 10)  # too few to cluster
    _analyze_all(charlie.organization)
    assert refresh_due_themes(now=NOW) == 1
    assert len(active(four_topics)) == 4
    assert not Theme.objects.filter(organization=charlie.organization).exists()
    assert refresh_due_themes(now=NOW) == 0  # fresh themes are not due again


def test_themes_are_found_again_after_a_week_once_a_tenth_of_the_items_are_new(four_topics):
    _analyze_all(four_topics)
    refresh_themes(organization=four_topics)
    later = timezone.now() + timedelta(days=8)
    assert not themes_due(four_topics, now=later)  # nothing new came
    ten = FeedbackItem.objects.filter(organization=four_topics).values("pk")[:10]
    FeedbackItem.objects.filter(pk__in=list(ten.values_list("pk", flat=True))).update(
        received_at=later
    )
    assert themes_due(four_topics, now=later)
    assert not themes_due(four_topics, now=timezone.now() + timedelta(days=2))


def test_enough_analyzed_items_enqueue_the_first_theme_refresh_without_a_command(
    four_topics, django_capture_on_commit_callbacks, monkeypatch
):
    from earful.insights.services import themes as theme_services

    monkeypatch.setattr(theme_services, "_asked", {})
    _analyze_all(four_topics)
    with django_capture_on_commit_callbacks(execute=True):
        assert theme_services.request_refresh_when_due(organization=four_topics)
    assert len(active(four_topics)) == 4  # the task ran (immediate backend in tests)
    assert not theme_services.request_refresh_when_due(organization=four_topics)


def test_a_refresh_is_due_at_once_when_the_items_doubled_since_the_last_one(four_topics):
    _analyze_all(four_topics)
    refresh_themes(organization=four_topics)
    soon = timezone.now() + timedelta(hours=1)
    assert not themes_due(four_topics, now=soon)
    for topic in TOPICS:
        add_items(four_topics, topic, 20, start=100)
    FeedbackItem.objects.filter(organization=four_topics, analyzed_at__isnull=True).update(
        analyzed_at=timezone.now() + timedelta(minutes=1), sentiment="neutral"
    )
    assert themes_due(four_topics, now=soon)
