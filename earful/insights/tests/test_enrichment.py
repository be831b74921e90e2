"""Enrichment of feedback items: on commit through a task, by the sweep, and never blocked by
one bad item. These tests run the real model (loaded once per test session, by its module)."""

from __future__ import annotations

import importlib
import io
import threading
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from earful.customers.models import Customer
from earful.feedback.models import Channel, FeedbackItem
from earful.feedback.services import record_feedback
from earful.feedback.signals import feedback_recorded
from earful.insights.selectors_feedback import feedback_progress
from earful.insights.services import enrichment
from earful.insights.services.enrichment import (
    MAX_ATTEMPTS,
    enrich_items,
    enrich_items_by_id,
    enrich_pending,
    sweep_periodically,
)
from earful.surveys.services import submit_response, update_response
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import QuestionSpec

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
NEGATIVE = "The zipper broke the first day and nobody answered my emails. Never again."
POSITIVE = "Lovely soft fabric, fits perfectly, I wear it every week. Thank you!"


def make_items(organization, texts, *, channel=Channel.TICKET, score=None, scale=""):
    """Items written straight to the table: no signal, as if their task had been lost."""
    items = [
        FeedbackItem(
            organization=organization,
            channel=channel,
            source_key=f"test:{i}:{text[:20]}",
            text=text,
            score=score,
            score_scale=scale,
            received_at=NOW,
        )
        for i, text in enumerate(texts)
    ]
    return FeedbackItem.objects.bulk_create(items)


@pytest.fixture
def failing_on(monkeypatch):
    """enrich_texts raising for any batch that holds a text containing the given word."""

    def install(word: str) -> None:
        real = enrichment.enrich_texts

        def enrich_texts(texts, scores, score_scale=None):
            if any(word in text for text in texts):
                raise ValueError(f"cannot read {word}")
            return real(texts, scores, score_scale)

        monkeypatch.setattr(enrichment, "enrich_texts", enrich_texts)

    return install


@pytest.fixture
def model_calls(monkeypatch):
    """How many texts each call of enrich_texts got."""
    calls: list[int] = []
    real = enrichment.enrich_texts

    def enrich_texts(texts, scores, score_scale=None):
        calls.append(len(texts))
        return real(texts, scores, score_scale)

    monkeypatch.setattr(enrichment, "enrich_texts", enrich_texts)
    return calls


def test_a_comment_given_in_a_survey_answer_is_enriched_once_committed(
    alice, django_capture_on_commit_callbacks
):
    survey = make_survey(alice.organization)
    with django_capture_on_commit_callbacks(execute=True):
        submit_response(survey=survey, answers={"nps": 2, "nps_comment": NEGATIVE}, key="k1")
    item = FeedbackItem.objects.get()
    assert item.analyzed_at is not None
    assert item.sentiment == "negative"
    assert -1 <= item.sentiment_score < -0.3
    assert item.score_scale == "0-10"
    assert (item.hesitant, item.hesitancy_reason) == (False, "")


def test_nothing_is_enriched_before_the_answer_is_committed(alice):
    survey = make_survey(alice.organization)
    submit_response(survey=survey, answers={"nps": 9, "nps_comment": POSITIVE}, key="k1")
    assert FeedbackItem.objects.get().analyzed_at is None  # the test's transaction never commits


def test_a_promoter_score_over_a_negative_comment_is_marked_hesitant_with_its_reason(
    alice, django_capture_on_commit_callbacks
):
    survey = make_survey(alice.organization)
    with django_capture_on_commit_callbacks(execute=True):
        submit_response(survey=survey, answers={"nps": 9, "nps_comment": NEGATIVE}, key="k1")
    item = FeedbackItem.objects.get()
    assert item.hesitant is True
    assert item.hesitancy_code == "high_score_negative"
    assert item.hesitancy_reason.startswith("high_score_negative: a satisfied score (9 of 0-10)")


def test_an_edited_comment_is_analyzed_again(alice, django_capture_on_commit_callbacks):
    survey = make_survey(alice.organization)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_response(
            survey=survey, answers={"nps": 9, "nps_comment": POSITIVE}, key="k1"
        ).response
    assert FeedbackItem.objects.get().sentiment == "positive"
    with django_capture_on_commit_callbacks(execute=True):
        update_response(response=response, key="u1", answers={"nps_comment": NEGATIVE})
    item = FeedbackItem.objects.get()
    assert (item.text, item.sentiment) == (NEGATIVE, "negative")


def test_the_signal_names_every_kept_item_once_after_commit(
    alice, django_capture_on_commit_callbacks
):
    sent: list[list[int]] = []

    def listen(sender, item_ids, **kwargs):
        sent.append(sorted(item_ids))

    feedback_recorded.connect(listen)
    try:
        items = [
            FeedbackItem(
                organization=alice.organization,
                channel=Channel.TICKET,
                source_key=f"t{i}",
                text=text,
                received_at=NOW,
            )
            for i, text in enumerate(["Where is my card?", "   ", "Refund please"])
        ]
        with django_capture_on_commit_callbacks() as callbacks:
            assert record_feedback(items=items) == 2
            assert sent == []
        for callback in callbacks:
            callback()
    finally:
        feedback_recorded.disconnect(listen)
    stored = sorted(FeedbackItem.objects.values_list("pk", flat=True))
    assert len(stored) == 2
    assert stored in sent


def test_the_sweep_enriches_items_whose_task_was_lost(alice, charlie):
    make_items(alice.organization, [NEGATIVE, POSITIVE, "Where is my new card?"])
    make_items(charlie.organization, [POSITIVE])
    report = enrich_pending(organization=alice.organization)
    assert (report.analyzed, report.failed, report.gave_up) == (3, 0, 0)
    assert not FeedbackItem.objects.filter(organization=alice.organization, sentiment="").exists()
    assert FeedbackItem.objects.get(organization=charlie.organization).analyzed_at is None
    assert enrich_pending().analyzed == 1  # every organization


def test_the_sweep_reports_progress_up_to_the_total(alice):
    make_items(alice.organization, [f"Order {i} arrived late" for i in range(5)])
    seen: list[tuple[int, int]] = []
    enrich_pending(progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 5)
    assert seen[-1] == (5, 5)


def test_running_the_enrichment_twice_changes_nothing(alice):
    items = make_items(alice.organization, [NEGATIVE, POSITIVE])
    enrich_pending()
    before = list(FeedbackItem.objects.order_by("pk").values())
    again = enrich_pending()
    by_id = enrich_items_by_id(item_ids=[item.pk for item in items])
    assert (again.analyzed, by_id.analyzed, by_id.skipped) == (0, 0, 2)
    assert list(FeedbackItem.objects.order_by("pk").values()) == before


def test_a_failing_item_does_not_block_the_others_and_is_given_up_after_three_tries(
    alice, failing_on
):
    make_items(alice.organization, [NEGATIVE, "BOOM cannot be read", POSITIVE])
    failing_on("BOOM")
    first = enrich_pending()
    assert (first.analyzed, first.failed, first.gave_up) == (2, 1, 0)
    bad = FeedbackItem.objects.get(text__startswith="BOOM")
    assert (bad.analyzed_at, bad.enrichment_attempts) == (None, 1)
    assert "cannot read BOOM" in bad.enrichment_error
    for _ in range(MAX_ATTEMPTS - 1):
        last = enrich_pending()
    assert (last.analyzed, last.failed, last.gave_up) == (0, 0, 1)
    bad.refresh_from_db()
    assert bad.analyzed_at is not None
    assert bad.sentiment == ""
    assert bad.enrichment_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")
    progress = feedback_progress(alice.organization)
    assert (progress.analyzed, progress.pending, progress.failed) == (2, 0, 1)


def test_when_enrichment_itself_is_broken_every_item_stays_pending_untouched(alice, monkeypatch):
    make_items(alice.organization, [NEGATIVE, POSITIVE])

    def broken(texts, scores, score_scale=None):
        raise MemoryError("no memory for the model")

    monkeypatch.setattr(enrichment, "enrich_texts", broken)
    with pytest.raises(MemoryError):
        enrich_pending()
    assert list(FeedbackItem.objects.values_list("analyzed_at", "enrichment_attempts")) == [
        (None, 0),
        (None, 0),
    ]


def test_a_burst_of_items_goes_through_the_model_in_a_few_batches(alice, model_calls, monkeypatch):
    monkeypatch.setattr(enrichment, "BATCH", 50)  # 256 in production; fewer texts to read here
    items = make_items(alice.organization, [f"Card number {i} was declined" for i in range(130)])
    report = enrich_items_by_id(item_ids=[item.pk for item in items])
    assert report.analyzed == 130
    assert model_calls == [50, 50, 30]


def test_identical_comments_are_read_once_per_batch(alice, model_calls):
    make_items(alice.organization, ["Great service"] * 5 + ["Slow delivery"] * 3)
    assert enrich_pending().analyzed == 8
    assert model_calls == [2]
    assert set(FeedbackItem.objects.values_list("sentiment_score", flat=True)) != {None}


def test_a_very_long_text_is_read_up_to_a_limit_and_analyzed(alice, monkeypatch):
    lengths: list[int] = []
    real = enrichment.enrich_texts

    def enrich_texts(texts, scores, score_scale=None):
        lengths.extend(len(text) for text in texts)
        return real(texts, scores, score_scale)

    monkeypatch.setattr(enrichment, "enrich_texts", enrich_texts)
    make_items(alice.organization, ["Terrible service, still no refund. " * 3000])
    assert enrich_pending().analyzed == 1
    assert lengths == [enrichment.READ_CHARS]
    assert FeedbackItem.objects.get().sentiment == "negative"


def test_a_text_changed_while_it_was_read_is_left_for_the_next_run(alice):
    (item,) = make_items(alice.organization, [POSITIVE])
    FeedbackItem.objects.filter(pk=item.pk).update(text=NEGATIVE)  # edited meanwhile
    report = enrich_items(items=[item])  # holds the old text
    assert (report.analyzed, report.skipped) == (0, 1)
    item.refresh_from_db()
    assert item.analyzed_at is None
    assert enrich_pending().analyzed == 1
    item.refresh_from_db()
    assert item.sentiment == "negative"


@pytest.mark.parametrize(
    ("questions", "answers", "scale"),
    [
        (None, {"nps": 8, "nps_comment": POSITIVE}, "0-10"),
        (
            [
                QuestionSpec(key="csat", type="csat", text="Happy?"),
                QuestionSpec(key="why", type="text", text="Why?"),
            ],
            {"csat": 4, "why": POSITIVE},
            "1-5",
        ),
        (
            [QuestionSpec(key="ces", type="ces", text="Easy?", comment=True)],
            {"ces": 6, "ces_comment": POSITIVE},
            "1-7",
        ),
    ],
)
def test_a_survey_item_takes_the_scale_of_its_question_or_of_the_survey_score(
    alice, questions, answers, scale
):
    extra = {"questions": questions} if questions else {}
    survey = make_survey(alice.organization, **extra)
    submit_response(survey=survey, answers=answers, key="k1")
    enrich_pending()
    assert FeedbackItem.objects.get().score_scale == scale


def test_a_review_is_read_on_five_stars_and_an_unknown_score_on_its_usual_scale(alice):
    make_items(alice.organization, ["Sending it back, it fell apart"], channel="review", score=5)
    make_items(alice.organization, ["Fine"], channel="ticket", score=9)
    enrich_pending()
    review = FeedbackItem.objects.get(channel="review")
    assert (review.score_scale, review.hesitancy_code) == ("1-5", "high_score_negative")
    assert FeedbackItem.objects.get(channel="ticket").score_scale == ""


def test_the_sweep_of_the_worker_runs_until_stopped(alice):
    make_items(alice.organization, [POSITIVE])

    class TwoRounds(threading.Event):
        rounds = 0

        def wait(self, timeout=None):
            self.rounds += 1
            return self.rounds > 2

    stop = TwoRounds()
    sweep_periodically(every=0, stop=stop)
    assert stop.rounds == 3
    assert FeedbackItem.objects.get().sentiment == "positive"


def test_the_enrich_command_prints_counts_and_speed(alice):
    make_items(alice.organization, [NEGATIVE, POSITIVE])
    out = io.StringIO()
    call_command("enrich", org=alice.organization.slug, stdout=out, verbosity=0)
    assert "analyzed 2, failed 0 (retried later), gave up 0, skipped 0" in out.getvalue()
    assert "items/s" in out.getvalue()


def test_the_enrich_command_with_all_analyzes_everything_again(alice):
    make_items(alice.organization, [NEGATIVE])
    enrich_pending()
    FeedbackItem.objects.update(sentiment="positive")  # as an older model would have said
    call_command("enrich", all=True, stdout=io.StringIO(), verbosity=0)
    assert FeedbackItem.objects.get().sentiment == "negative"


def test_the_enrich_command_refuses_an_unknown_organization(db):
    with pytest.raises(CommandError, match="no such organization"):
        call_command("enrich", org="nope", stdout=io.StringIO())


def test_pending_counts_follow_the_items(alice):
    make_items(alice.organization, [NEGATIVE, POSITIVE, "Where is my card?"])
    before = feedback_progress(alice.organization)
    assert (before.analyzed, before.pending, before.failed, before.percent) == (0, 3, 0, 0)
    enrich_items(items=list(FeedbackItem.objects.order_by("pk")[:2]))
    after = feedback_progress(alice.organization)
    assert (after.analyzed, after.pending, after.percent) == (2, 1, 66)
    assert sum(after.sentiments.values()) == 2


def test_items_keep_their_customer_and_enrichment_together(alice):
    customer = Customer.objects.create(organization=alice.organization, external_id="c1")
    (item,) = make_items(alice.organization, [POSITIVE])
    FeedbackItem.objects.filter(pk=item.pk).update(customer=customer)
    enrich_pending()
    item.refresh_from_db()
    assert (item.customer, item.sentiment) == (customer, "positive")
    assert item.analyzed_at <= timezone.now()


def test_enrichment_stores_the_embeddings_and_puts_items_in_the_themes_they_fit(alice):
    from earful.insights.models import ItemEmbedding, ItemTheme, Theme, vector_bytes
    from earful.insights.text.embedding import embed

    card = embed(["I still have not received my new card"])[0]
    theme = Theme.objects.create(
        organization=alice.organization,
        label="card arrival",
        centroid=vector_bytes(card),
        threshold=0.5,
    )
    arriving, itchy = make_items(
        alice.organization, ["Where is my new card? It has not arrived yet", "Itchy fabric"]
    )
    enrich_pending()
    assert ItemEmbedding.objects.filter(item__in=[arriving, itchy]).count() == 2
    links = dict(ItemTheme.objects.values_list("item_id", "theme_id"))
    assert links == {arriving.pk: theme.pk, itchy.pk: None}


def test_the_worker_starts_its_periodic_sweeps_unless_told_not_to(monkeypatch, settings):
    from earful import cli
    from earful.core import periodic

    started: list[tuple[str, float]] = []
    monkeypatch.setattr(
        periodic, "start_periodic", lambda name, every, sweep: started.append((name, every))
    )
    monkeypatch.delenv("RUN_MAIN", raising=False)
    settings.DEBUG = False
    monkeypatch.setenv("EARFUL_ENRICH_SWEEP_SECONDS", "120")
    assert "enrichment" in cli._start_worker_sweeps([])
    assert cli._start_worker_sweeps(["--batch"]) == []  # runs the queue once and exits
    settings.DEBUG = True  # the autoreloader's parent only restarts the worker: no sweep
    assert cli._start_worker_sweeps([]) == []
    monkeypatch.setenv("RUN_MAIN", "true")  # its child, the worker, sweeps
    assert "enrichment" in cli._start_worker_sweeps([])
    monkeypatch.setenv("EARFUL_ENRICH_SWEEP_SECONDS", "0")
    assert "enrichment" not in cli._start_worker_sweeps([])
    assert ("enrichment", 120) in started
    assert enrich_pending in [
        getattr(importlib.import_module(target.split(":")[0]), target.split(":")[1])
        for _, _, _, target in cli.WORKER_SWEEPS
    ]
