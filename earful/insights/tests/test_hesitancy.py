"""Hesitancy: unit cases on written answers, then precision and recall on real labelled reviews.

The real reviews (fixtures/reviews.csv) are the test half of the hand-labelled set
(bench/labels/hesitancy.csv, docs/dev/hesitancy-labelling.md), which the rules were not tuned on.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from earful.insights.text.hesitancy import (
    detect_hesitancy,
    infer_scale,
    parse_scale,
    satisfied,
)
from earful.insights.text.pipeline import enrich_texts
from earful.insights.text.sentiment import classify_texts

FIXTURE = Path(__file__).parent / "fixtures" / "reviews.csv"
NPS = (0.0, 10.0)


def hesitancy(text: str, score: float | None = None, scale: tuple[float, float] | None = NPS):
    [sentiment] = classify_texts([text])
    return detect_hesitancy(text, sentiment, score=score, scale=scale)


@pytest.mark.parametrize(
    "text",
    [
        "It was fine, I guess.",
        "ok",
        "Meh. It's ok.",
        "Not bad, nothing special.",
        "The course was alright. It does the job.",
        "Decent enough, could be better.",
    ],
)
def test_faint_praise_is_hedging_with_or_without_a_score(text):
    assert hesitancy(text).code == "hedging"
    assert hesitancy(text, score=9).code == "hedging"


def test_a_high_score_over_a_complaint_is_hesitant():
    found = hesitancy("The app crashes every day and support never answered my emails.", score=9)
    assert found.hesitant
    assert found.code == "high_score_negative"
    assert found.reason.startswith("high_score_negative: a satisfied score (9 of 0-10)")


def test_a_high_score_with_a_deal_breaker_is_hesitant():
    found = hesitancy("Pretty colour but it's huge on me, sending it back.", score=4, scale=(1, 5))
    assert found.code == "high_score_negative"


def test_a_low_score_over_a_kind_comment_is_hesitant():
    found = hesitancy("Lovely staff, thank you so much, everything was great!", score=3)
    assert found.code == "low_score_polite"


def test_an_undecided_customer_is_ambivalent():
    found = hesitancy(
        "I like the colour but I'm still deciding whether to keep it.", score=4, scale=(1, 5)
    )
    assert found.code == "ambivalent"


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("Brilliant, fast and friendly. Thank you!", 10),
        ("Love it! Runs big, so size down.", 10),
        ("Terrible service, the parcel never arrived and nobody replied.", 1),
        ("The fine knit is soft and the fit is perfect.", 10),
        ("I'm 5'4 and 130 lbs, the small fits me perfectly.", 9),
    ],
)
def test_plain_praise_plain_complaints_and_literal_words_are_not_hesitant(text, score):
    assert not hesitancy(text, score=score).hesitant


def test_blank_answers_are_not_hesitant():
    assert not hesitancy("   ", score=9).hesitant


def test_scales_are_read_as_the_tiers_are():
    assert [satisfied(score, (1, 5)) for score in (1, 2, 3, 4, 5)] == [0, 0, 0, 1, 1]
    assert [satisfied(score, (0, 10)) for score in (0, 6, 7, 8, 10)] == [0, 0, 1, 1, 1]
    assert [satisfied(score, (1, 7)) for score in (1, 4, 5, 7)] == [0, 0, 1, 1]
    assert infer_scale([1, 5, None, 3]) == (1.0, 5.0)
    assert infer_scale([0, 9, 10]) == (0.0, 10.0)
    assert infer_scale([2, 6]) == (1.0, 7.0)
    assert infer_scale([None]) is None
    assert parse_scale("0-10") == (0.0, 10.0)
    with pytest.raises(ValueError, match="below"):
        parse_scale("5-1")


def test_enrichment_infers_the_scale_when_none_is_given():
    [polite, plain] = enrich_texts(["Lovely staff, thank you so much!", "Lovely staff!"], [3, 10])
    assert polite.hesitancy_reason.startswith("low_score_polite: a dissatisfied score (3 of 0-10)")
    assert not plain.hesitant


def _labelled() -> list[dict[str, str]]:
    with FIXTURE.open(newline="") as stream:
        return [row for row in csv.DictReader(stream) if row["hesitant"] != ""]


def test_on_real_labelled_reviews_most_flags_are_right_and_most_hesitant_ones_are_found():
    rows = _labelled()
    enriched = enrich_texts(
        [row["text"] for row in rows], [float(row["rating"]) for row in rows], [(1, 5)] * len(rows)
    )
    pairs = [
        (row["hesitant"] == "1", item.hesitant) for row, item in zip(rows, enriched, strict=True)
    ]
    true_positives = sum(1 for label, flag in pairs if label and flag)
    precision = true_positives / sum(1 for _, flag in pairs if flag)
    recall = true_positives / sum(1 for label, _ in pairs if label)
    assert len(rows) == 150
    assert precision >= PRECISION_AT_LEAST
    assert recall >= RECALL_AT_LEAST


PRECISION_AT_LEAST = 0.5
RECALL_AT_LEAST = 0.5
