"""When a survey asks its one follow-up question: unit cases, then rates on real review text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from earful.surveys.probing import probe_question, probe_trigger

FIXTURE = Path(__file__).parent / "fixtures" / "hesitant_reviews.csv"


def reviews(group: str) -> list[dict[str, str]]:
    with FIXTURE.open(newline="") as f:
        return [row for row in csv.DictReader(f) if row["group"] == group]


def share_triggered(rows: list[dict[str, str]], *, score: int | None) -> float:
    hits = [probe_trigger("rating", score, row["text"], {}, 0) for row in rows]
    return sum(hit is not None for hit in hits) / len(rows)


@pytest.mark.parametrize(
    ("kind", "score", "trigger"),
    [
        ("nps", 0, "low_score"),
        ("nps", 6, "low_score"),
        ("nps", 7, "middling_score"),
        ("nps", 8, "middling_score"),
        ("nps", 9, None),
        ("csat", 3, "low_score"),
        ("csat", 4, "middling_score"),
        ("csat", 5, None),
        ("ces", 5, "middling_score"),
        ("ces", 6, None),
        ("rating", 4, "middling_score"),
    ],
)
def test_low_and_middling_scores_ask_a_follow_up(kind, score, trigger):
    assert probe_trigger(kind, score, "", {}, 0) == trigger


@pytest.mark.parametrize(
    ("comment", "trigger"),
    [
        ("It was fine, I guess", "hedging:i guess"),
        ("ok I guess", "hedging:ok i guess"),
        ("Not bad.", "hedging:not bad"),
        ("It\u2019s ok", "hedging:it's ok"),
        ("Mostly good", "hedging:mostly"),
        ("Decent service", "hedging:decent"),
        ("Brilliant, fast and friendly", None),
        ("Token support was okay-ish", "hedging:okay"),
    ],
)
def test_hedging_words_after_a_high_score_ask_a_follow_up(comment, trigger):
    assert probe_trigger("nps", 10, comment, {}, 0) == trigger


def test_a_high_score_with_a_sad_comment_is_a_mismatch():
    comment = "Unfortunately it arrived broken and I returned it."
    assert probe_trigger("nps", 10, comment, {}, 0) == "score_comment_mismatch"


def test_many_edits_or_a_long_pause_read_as_hesitation():
    assert probe_trigger("nps", 10, "", {}, 3) == "hesitation:edits"
    assert probe_trigger("nps", 10, "", {"nps": 45_000}, 0) == "hesitation:pause"
    assert probe_trigger("nps", 10, "", {"nps": 4_000}, 2) is None


def test_the_follow_up_uses_the_author_s_words_or_a_default_for_the_trigger():
    assert probe_question("low_score") == "Thanks. What is one thing we could do better?"
    assert "made it better" in probe_question("middling_score")
    assert probe_question("hedging:fine", "What held you back?") == "What held you back?"


def test_real_three_star_reviews_always_get_a_follow_up_for_their_score():
    assert share_triggered(reviews("middling"), score=3) == 1.0


def test_real_three_star_words_read_as_hesitant_even_after_a_top_score():
    # The score alone would not ask; the words do, for about half of real middling reviews.
    assert share_triggered(reviews("middling"), score=5) >= 0.45


def test_real_three_star_reviews_with_hedging_words_trigger_on_the_hedge():
    rows = reviews("middling_hedging")
    hedges = [probe_trigger("rating", 5, r["text"], {}, 0) or "" for r in rows]
    assert sum(h.startswith("hedging:") for h in hedges) / len(rows) >= 0.9


def test_real_high_ratings_from_reviewers_who_would_not_recommend_often_trigger():
    # 4 and 5 stars, but the reviewer would not recommend it: a top score with these words
    # asks a follow-up for about a third of them, over ten times the enthusiastic rate.
    unsure = share_triggered(reviews("high_not_recommended"), score=5)
    assert unsure >= 0.3
    assert unsure >= 10 * share_triggered(reviews("enthusiastic"), score=5)


def test_real_enthusiastic_five_star_reviews_mostly_do_not_trigger():
    assert share_triggered(reviews("enthusiastic"), score=5) <= 0.1
