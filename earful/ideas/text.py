"""Folding text for the full-text fallback of the similar-ideas lookup. Pure."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "for",
        "from",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "please",
        "so",
        "that",
        "the",
        "their",
        "there",
        "this",
        "to",
        "too",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "will",
        "with",
        "would",
        "you",
        "your",
        "add",
        "allow",
        "able",
    ]
)


def fold(text: str) -> str:
    """Lowercase words without accents, one space apart."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(plain))


def keywords(text: str, *, limit: int = 6) -> list[str]:
    """The distinct words worth matching (3+ letters, not a stop word), longest first."""
    words = {w for w in fold(text).split() if len(w) >= 3 and w not in STOP}
    return sorted(words, key=lambda w: (-len(w), w))[:limit]
