"""Labelled sentiment data of three domains in ../shared/data, each with a fixed train/test split.

  reviews  "Women's E-Commerce Clothing Reviews" (CC0): rating 1-2 negative, 3 neutral, 4-5
           positive; the split of training.py (per rating, 20% test by a hash of the row id).
  tweets   TweetEval sentiment (SemEval-2017; Barbieri et al. 2020): the file has no train
           split, so every row goes to test when sha256(f"{SEED}:tweets:{text}") sorts it into
           the first TEST_SHARE, else to train (one tweet text, one side).
  comments GoEmotions (Demszky et al. 2020, Apache 2.0), the authors' sentiment grouping; rows
           whose emotions are all positive, all negative or neutral only (mixed and ambiguous
           rows have no single label and are left out); the source's dev split is train, its
           test split is test.

`sample(rows, n)` takes a fixed random subset (Random(SEED)), so training and the benchmark
read the same rows on every machine.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from random import Random

from earful.insights.text import training

SEED = "earful-sentiment-v2"
TEST_SHARE = 0.4
DOMAINS = ("reviews", "tweets", "comments")
FILES = {
    "reviews": training.CLOTHING_FILE,
    "tweets": "tweeteval_sentiment.csv",
    "comments": "goemotions_sentiment.csv",
}
READ_CHARS = 2000


@dataclass(frozen=True)
class Labelled:
    text: str
    label: str  # negative | neutral | positive
    domain: str
    split: str  # train | test


def _hash_share(domain: str, text: str) -> float:
    digest = hashlib.sha256(f"{SEED}:{domain}:{text}".encode()).hexdigest()
    return int(digest[:12], 16) / float(16**12)


def path_of(domain: str, data_dir: Path | None = None) -> Path:
    return (data_dir or training.shared_data_dir()) / FILES[domain]


def _reviews(path: Path) -> list[Labelled]:
    train, test = training.split_reviews(training.read_reviews(path))
    return [
        Labelled(review.text[:READ_CHARS], review.label, "reviews", split)
        for split, part in (("train", train), ("test", test))
        for review in part
    ]


def _tweets(path: Path) -> list[Labelled]:
    rows: list[Labelled] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            text = row["text"].strip()
            if not text or text in seen:
                continue
            seen.add(text)
            split = "test" if _hash_share("tweets", text) < TEST_SHARE else "train"
            rows.append(Labelled(text[:READ_CHARS], row["label"], "tweets", split))
    return rows


def _comments(path: Path) -> list[Labelled]:
    with path.open(encoding="utf-8", newline="") as stream:
        return [
            Labelled(
                row["text"].strip()[:READ_CHARS],
                row["sentiment"],
                "comments",
                "train" if row["split"] == "dev" else "test",
            )
            for row in csv.DictReader(stream)
            if row["sentiment"] in {"negative", "neutral", "positive"} and row["text"].strip()
        ]


READERS = {"reviews": _reviews, "tweets": _tweets, "comments": _comments}


def read_domain(domain: str, data_dir: Path | None = None) -> list[Labelled]:
    """Every labelled row of the domain, in file order."""
    return READERS[domain](path_of(domain, data_dir))


def sample(rows: list[Labelled], n: int, *, salt: str = "") -> list[Labelled]:
    """At most n rows, a fixed random subset in file order (all of them when n >= len)."""
    if n >= len(rows):
        return list(rows)
    picked = sorted(Random(f"{SEED}:{salt}").sample(range(len(rows)), n))
    return [rows[i] for i in picked]


def split(rows: list[Labelled], which: str) -> list[Labelled]:
    return [row for row in rows if row.split == which]
