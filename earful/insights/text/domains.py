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
  requests BANKING77 support requests (Casanueva et al. 2020, CC BY 4.0), labelled by intent
           with a written rule: an intent that reports something gone wrong (PROBLEM_INTENTS:
           a declined payment, a transfer not received, a card not working) is negative, a
           plain how-to question (HOWTO_INTENTS) neutral; the other intents are left out. This
           teaches that "my transfer never arrived" is a complaint, though no review or tweet
           says it. Its train file is train, its test file test.

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
DOMAINS = ("reviews", "tweets", "comments")  # labelled by people for sentiment
FITTED = (*DOMAINS, "requests")
FILES = {
    "requests": "banking77_train.csv",
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


PROBLEM_INTENTS = frozenset(
    [
        "card_payment_wrong_exchange_rate",
        "extra_charge_on_statement",
        "card_not_working",
        "contactless_not_working",
        "pin_blocked",
        "wrong_amount_of_cash_received",
        "transfer_not_received_by_recipient",
        "top_up_reverted",
        "balance_not_updated_after_cheque_or_cash_deposit",
        "card_payment_not_recognised",
        "unable_to_verify_identity",
        "compromised_card",
        "direct_debit_payment_not_recognised",
        "declined_cash_withdrawal",
        "declined_transfer",
        "Refund_not_showing_up",
        "declined_card_payment",
        "card_swallowed",
        "transaction_charged_twice",
        "reverted_card_payment?",
        "failed_transfer",
        "virtual_card_not_working",
        "wrong_exchange_rate_for_cash_withdrawal",
        "top_up_failed",
        "balance_not_updated_after_bank_transfer",
        "cash_withdrawal_not_recognised",
        "beneficiary_not_allowed",
    ]
)
HOWTO_INTENTS = frozenset(
    [
        "card_linking",
        "exchange_rate",
        "fiat_currency_support",
        "card_delivery_estimate",
        "automatic_top_up",
        "exchange_via_app",
        "age_limit",
        "top_up_limits",
        "supported_cards_and_currencies",
        "getting_virtual_card",
        "card_acceptance",
        "edit_personal_details",
        "why_verify_identity",
        "get_physical_card",
        "visa_or_mastercard",
        "topping_up_by_card",
        "disposable_card_limits",
        "atm_support",
        "change_pin",
        "receiving_money",
        "transfer_into_account",
        "verify_top_up",
        "getting_spare_card",
        "top_up_by_cash_or_cheque",
        "order_physical_card",
        "get_disposable_virtual_card",
        "activate_my_card",
        "apple_pay_or_google_pay",
        "verify_my_identity",
        "country_support",
        "transfer_timing",
        "verify_source_of_funds",
    ]
)


def _requests(path: Path) -> list[Labelled]:
    rows: list[Labelled] = []
    for split, name in (("train", path.name), ("test", path.name.replace("train", "test"))):
        with path.with_name(name).open(encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                intent, text = row["category"], row["text"].strip()
                if intent in PROBLEM_INTENTS or intent in HOWTO_INTENTS:
                    label = "negative" if intent in PROBLEM_INTENTS else "neutral"
                    rows.append(Labelled(text[:READ_CHARS], label, "requests", split))
    return rows


READERS = {"requests": _requests, "reviews": _reviews, "tweets": _tweets, "comments": _comments}


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
