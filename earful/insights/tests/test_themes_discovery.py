"""Theme discovery, naming and incremental assignment (the pure algorithms).

Real text: tests/fixtures/banking77_excerpt.csv, 200 rows of BANKING77 train (CC BY 4.0,
provenance next to it)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from earful.insights.themes import NO_THEME, assign, discover_themes
from earful.insights.themes.discovery import candidate_counts, default_min_size
from earful.insights.themes.naming import phrases

EXCERPT = Path(__file__).parent / "fixtures" / "banking77_excerpt.csv"


def planted(n_clusters: int, per_cluster: int, *, spread: float = 0.045, seed: int = 0):
    """Unit vectors around n_clusters random centres in 384 dimensions, and their cluster."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n_clusters, 384))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    truth = np.repeat(np.arange(n_clusters), per_cluster)
    vectors = centres[truth] + spread * rng.standard_normal((len(truth), 384))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), truth, centres


def random_unit(count: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, 384))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize(("n_clusters", "per_cluster"), [(4, 30), (12, 25), (25, 20)])
def test_it_finds_as_many_themes_as_were_planted(n_clusters, per_cluster):
    vectors, truth, _ = planted(n_clusters, per_cluster)
    found = discover_themes(["x"] * len(vectors), vectors)
    assert len(found.themes) == n_clusters
    assert normalized_mutual_info_score(truth, found.labels) > 0.95


def test_outliers_get_no_theme():
    vectors, _, _ = planted(6, 30)
    outliers = random_unit(8, seed=1)
    found = discover_themes(["x"] * (len(vectors) + 8), np.vstack([vectors, outliers]))
    assert len(found.themes) == 6
    assert (found.labels[-8:] == NO_THEME).all()
    assert (found.labels[:-8] != NO_THEME).mean() > 0.95


def test_a_group_smaller_than_the_minimum_size_is_no_theme():
    vectors, _, _ = planted(5, 40)
    tiny, _, _ = planted(1, 2, seed=3)  # two texts about something else
    found = discover_themes(["x"] * 202, np.vstack([vectors, tiny]))
    assert default_min_size(202) == 3
    assert len(found.themes) == 5
    assert (found.labels[-2:] == NO_THEME).all()


def test_too_few_texts_make_no_themes_and_blank_texts_never_get_one():
    found = discover_themes(["a", "b", ""], np.vstack([random_unit(2, 0), np.zeros((1, 384))]))
    assert found.themes == []
    assert found.labels.tolist() == [NO_THEME] * 3


def test_themes_come_largest_first_with_ids_matching_labels():
    vectors, _, _ = planted(3, 30)
    vectors = np.vstack([vectors, planted(1, 60, seed=5)[0]])
    found = discover_themes(["x"] * len(vectors), vectors)
    sizes = [theme.size for theme in found.themes]
    assert sizes == sorted(sizes, reverse=True)
    assert [t.id for t in found.themes] == list(range(len(found.themes)))
    assert sizes == [int((found.labels == t.id).sum()) for t in found.themes]


def test_a_forced_count_splits_into_that_many():
    vectors, truth, _ = planted(2, 30)
    found = discover_themes(["x"] * 60, vectors, n_themes=2, min_size=1)
    assert len(found.themes) == 2
    assert normalized_mutual_info_score(truth, found.labels) > 0.9


def test_candidate_counts_grow_by_a_quarter_up_to_the_most():
    assert candidate_counts(20) == [2, 3, 4, 5, 6, 8, 10, 12, 15, 19]


def test_new_texts_join_the_nearest_theme_and_unrelated_ones_are_emerging():
    vectors, truth, centres = planted(5, 30)
    found = discover_themes(["x"] * len(vectors), vectors)
    # New texts near the planted centres, and three unrelated ones.
    fresh = centres[np.repeat(np.arange(5), 4)] + 0.045 * random_unit(20, 4) * np.sqrt(384)
    labels, similarity = assign(found, np.vstack([fresh, random_unit(3, seed=11)]))
    theme_of_cluster = {c: Counter(found.labels[truth == c]).most_common(1)[0][0] for c in range(5)}
    expected = [theme_of_cluster[c] for c in np.repeat(np.arange(5), 4)]
    assert labels[:20].tolist() == expected
    assert labels[20:].tolist() == [NO_THEME] * 3
    assert (similarity[20:] < 0.3).all()


def test_assigning_with_no_themes_marks_everything_emerging():
    found = discover_themes(["a"], random_unit(1, 0))
    labels, similarity = assign(found, random_unit(2, 1))
    assert labels.tolist() == [NO_THEME, NO_THEME]
    assert similarity.tolist() == [0.0, 0.0]


def test_candidate_phrases_have_no_filler_at_either_end():
    found = phrases("My card hasn't arrived. I want to top up my card; it's not working")
    assert "top up" in found
    assert "not working" in found
    assert "card hasn't arrived" in found
    assert not any(p.split()[0] in {"my", "i", "to", "why"} for p in found)
    assert not any(p.split()[-1] in {"my", "to", "not", "up"} for p in found if " " not in p)


def read_excerpt() -> tuple[list[str], list[str]]:
    with EXCERPT.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return [row["text"] for row in rows], [row["category"] for row in rows]


@pytest.fixture(scope="module")
def banking_themes():
    from earful.insights.text.embedding import embed

    texts, intents = read_excerpt()
    vectors = embed(texts)
    return texts, intents, vectors, discover_themes(texts, vectors)


def test_real_requests_group_by_intent(banking_themes):
    _, intents, _, found = banking_themes
    # 5 intents; card_arrival and lost_or_stolen_card are close and may share a theme.
    assert 4 <= len(found.themes) <= 6
    assert normalized_mutual_info_score(intents, found.labels) > 0.75


def test_themes_are_named_with_short_phrases_their_texts_use(banking_themes):
    texts, intents, _, found = banking_themes
    labels = [theme.label for theme in found.themes]
    assert len(set(labels)) == len(labels)
    for theme in found.themes:
        words = theme.label.lower().split()
        assert 1 <= len(words) <= 4
        members = " ".join(texts[i].lower() for i in np.flatnonzero(found.labels == theme.id))
        assert all(word in members for word in words)
        assert theme.keyphrases[0] == theme.label.lower()
        assert len(theme.examples) == 3
        assert all(found.labels[i] == theme.id for i in theme.examples)
    intent_of = {
        t.id: Counter(np.array(intents)[found.labels == t.id]).most_common(1)[0][0]
        for t in found.themes
    }
    by_intent = {intent_of[t.id]: t.label.lower() for t in found.themes}
    assert "exchange" in by_intent["exchange_rate"]
    assert "account" in by_intent["terminate_account"]
    assert "top" in by_intent["top_up_failed"]


def test_an_unrelated_request_is_emerging_and_a_familiar_one_is_not(banking_themes):
    from earful.insights.text.embedding import embed

    found = banking_themes[3]
    labels, _ = assign(
        found,
        embed(["The delivery driver left my sofa out in the rain", "I'd like to close my account"]),
    )
    assert labels[0] == NO_THEME
    account_theme = next(t.id for t in found.themes if "account" in t.label.lower())
    assert labels[1] == account_theme


def test_a_clump_of_near_duplicates_does_not_collapse_the_number_of_themes():
    vectors, truth, _ = planted(12, 25)
    rng = np.random.default_rng(7)
    clump = vectors[0] + 0.002 * rng.standard_normal((400, 384))  # one text, retweeted 400 times
    clump /= np.linalg.norm(clump, axis=1, keepdims=True)
    found = discover_themes(["x"] * (300 + 400), np.vstack([vectors, clump]))
    assert len(found.themes) == 12
    assert normalized_mutual_info_score(np.r_[truth, [0] * 400], found.labels) > 0.95
    assert found.themes[0].size >= 400  # the clump still counts in its theme's size


def test_names_skip_handles_links_and_the_word_every_text_shares():
    texts = [f"@acme my flight was delayed again http://t.co/x{i} acme" for i in range(6)] + [
        f"@acme lost luggage at the airport acme {i}" for i in range(6)
    ]
    vectors = np.vstack([planted(2, 6)[0]])
    found = discover_themes(
        texts, vectors, n_themes=2, min_size=2, embedder=lambda p: np.ones((len(p), 384))
    )
    labels = {theme.label.lower() for theme in found.themes}
    assert all("acme" not in label and "http" not in label for label in labels)
    assert any("delayed" in label or "flight" in label for label in labels)
    assert any("luggage" in label for label in labels)
