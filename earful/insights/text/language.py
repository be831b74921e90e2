"""The language a text is written in, by py3langid (its model ships inside the package).

`language_of(text)` is an ISO 639-1 code ("en", "de", "fr" ...) when the detector is at least
CONFIDENT sure and the text has at least MIN_WORDS words, else "" (unknown: "ok", "thx!!",
a name). Sentiment and hesitancy are English-only rules: a text in another language gets
neither (pipeline.py), rather than a guess from rules that cannot read it.
"""

from __future__ import annotations

import threading
from typing import Any

CONFIDENT = 0.8
MIN_WORDS = 3
ENGLISH = "en"

_lock = threading.Lock()
_identifier: Any = None


def _detector() -> Any:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def language_of(text: str) -> str:
    """The text's language code, or "" when it is too short or the detector is unsure."""
    if len(text.split()) < MIN_WORDS:
        return ""
    code, probability = _detector().classify(text[:500])
    return str(code) if probability >= CONFIDENT else ""


def readable_by_rules(language: str) -> bool:
    """Whether the English-only rules (sentiment, hesitancy) may read a text."""
    return language in ("", ENGLISH)
