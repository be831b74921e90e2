"""When to ask one open-ended follow-up question, and why. Pure functions, no model: a small,
transparent lexicon anyone can read and argue with (the insights engine comes later).

A probe is due, in this order of precedence, after:
  low_score                the headline score is in the dissatisfied tier (NPS 0-6, CSAT 1-3 ...)
  middling_score           the headline score is in the satisfied tier (NPS 7-8, CSAT 4, CES 5 ...)
  hedging:<phrase>         the words hedge: "fine", "ok I guess", "not bad", "it's ok" ...
  score_comment_mismatch   a high score with a comment that reads negative
  hesitation:edits         many changed answers (EDITS_HESITANT or more)
  hesitation:pause         a long pause on one question (PAUSE_MS or more)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from earful.surveys.scoring import SCALES, Tier, tier_for

# Phrases that praise faintly. Matched as whole words, case-insensitively, after folding
# curly apostrophes. Longer phrases first, so the trigger names the most telling one.
HEDGING_PHRASES = (
    "ok i guess",
    "okay i guess",
    "fine i guess",
    "good i guess",
    "i guess",
    "i suppose",
    "not bad",
    "not great",
    "not terrible",
    "it's ok",
    "it's okay",
    "its ok",
    "it was ok",
    "it was okay",
    "was fine",
    "is fine",
    "it's fine",
    "just fine",
    "kind of",
    "kinda",
    "sort of",
    "mostly",
    "decent",
    "so-so",
    "so so",
    "average",
    "mediocre",
    "okay",
    "ok",
    "fine",
    "meh",
    "could be better",
    "not sure",
    "on the fence",
    "mixed feelings",
)

# Words that read as a complaint; a trailing * matches any ending ("disappoint*": disappointed,
# disappointing). A high score with NEGATIVE_CUES_FOR_MISMATCH or more of them is a mismatch.
NEGATIVE_CUES = (
    "disappoint*",
    "unfortunate*",
    "sadly",
    "return*",
    "send it back",
    "sent it back",
    "wanted to love",
    "wanted to like",
    "really wanted",
    "expected more",
    "expected better",
    "not what i expected",
    "nothing like",
    "not as",
    "not worth",
    "too bad",
    "too small",
    "too big",
    "too short",
    "too long",
    "too tight",
    "too large",
    "itchy",
    "cheap*",
    "poor*",
    "flimsy",
    "unflattering",
    "fell apart",
    "ripped",
    "shrunk",
    "faded",
    "waste",
    "didn't",
    "did not",
    "wasn't",
    "however",
    "problem*",
    "broke*",
    "hate*",
    "awful",
    "terrible",
    "worst",
    "rude",
    "slow",
    "late",
)
NEGATIVE_CUES_FOR_MISMATCH = 2
EDITS_HESITANT = 3
PAUSE_MS = 30_000


def _pattern(phrase: str) -> re.Pattern[str]:
    ending = r"\w*" if phrase.endswith("*") else r"(?![\w'])"
    return re.compile(r"(?<![\w'])" + re.escape(phrase.rstrip("*")) + ending)


_HEDGES = [(phrase, _pattern(phrase)) for phrase in HEDGING_PHRASES]
_NEGATIVES = [(cue, _pattern(cue)) for cue in NEGATIVE_CUES]


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())


def hedging_phrase(text: str) -> str | None:
    """The first hedging phrase of the lexicon found in the text, or None."""
    folded = _fold(text)
    return next((phrase for phrase, pattern in _HEDGES if pattern.search(folded)), None)


def negative_cues(text: str) -> list[str]:
    folded = _fold(text)
    return [cue.rstrip("*") for cue, pattern in _NEGATIVES if pattern.search(folded)]


@functools.lru_cache(maxsize=4096)
def _cached_pattern(phrase: str) -> re.Pattern[str]:
    return _pattern(phrase)


def matching_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases found in the text, by the lexicon's rules (whole words, case and curly
    apostrophes folded, a trailing * for any ending), in the order given. Shared with the
    insights engine's hesitancy detector, so both read words the same way."""
    folded = _fold(text)
    return [phrase for phrase in phrases if _cached_pattern(phrase).search(folded)]


def probe_trigger(
    score_kind: str,
    score: int | None,
    comment: str,
    timings: Mapping[str, int],
    edits: int,
) -> str | None:
    """Why a follow-up question is due for this answer, or None when none is."""
    if score_kind in SCALES and score is not None:
        tier = tier_for(score_kind, score)
        if tier == Tier.DISSATISFIED:
            return "low_score"
        if tier == Tier.SATISFIED:
            return "middling_score"
    phrase = hedging_phrase(comment)
    if phrase:
        return f"hedging:{phrase}"
    if score is not None and len(negative_cues(comment)) >= NEGATIVE_CUES_FOR_MISMATCH:
        return "score_comment_mismatch"
    if edits >= EDITS_HESITANT:
        return "hesitation:edits"
    if any(ms >= PAUSE_MS for ms in timings.values()):
        return "hesitation:pause"
    return None


DEFAULT_QUESTIONS = {
    "low_score": "Thanks. What is one thing we could do better?",
    "middling_score": "Thanks. What is one thing that would have made it better?",
}
DEFAULT_QUESTION = "Thanks. Is there anything that could have gone better, even something small?"


def probe_question(trigger: str, custom: str = "") -> str:
    """The follow-up question: the survey author's wording, else a default fitting the trigger."""
    return custom.strip() or DEFAULT_QUESTIONS.get(trigger, DEFAULT_QUESTION)
