"""Hesitancy: answers that sound satisfied, or polite, while the customer is not.

The labelling guidelines (docs/dev/hesitancy-labelling.md) define four reasons. The words are
read first (the customer's own hedge is the most telling reason), then the score:

  ambivalent           the customer says they cannot decide ("on the fence", "still deciding
                       whether to keep it", "not in love")
  hedging              faint praise about the whole: "it's fine", "ok I guess", "not bad",
                       "nothing special", "ok for the price"; or a short comment that is
                       only a lukewarm verdict ("ok", "it was alright", "average")
  high_score_negative  a satisfied score over a comment that reads negative, or that names a
                       deal breaker (returning it, "not for me") without reading positive
  low_score_polite     a dissatisfied score over a comment that reads clearly positive and
                       names no deal breaker

Sentiment comes from the sentiment model (its trained classifiers' lean); the words come from
the probing lexicon of earful/surveys/probing.py (shared, so a survey's follow-up and the
insight read words alike) plus the phrases below. Scores are read on their scale: the top 35%
of it (4-5 of 1-5, 7-10 of 0-10, 5-7 of 1-7) is a satisfied score, the rest a dissatisfied one,
as in docs/user/scores-and-tiers.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from earful.insights.text.sentiment import Sentiment
from earful.surveys.probing import HEDGING_PHRASES, matching_phrases

REASON_LENGTH = 300
SATISFIED_FROM = 0.65  # position on the scale (0 lowest, 1 highest) where satisfied begins
# A satisfied score is hesitant when its comment's learned lean (P(positive) - P(negative) of the
# two trained classifiers, Sentiment.learned, without VADER's vote, which reads most long
# reviews as glowing) is below LEANS_NEGATIVE, or below BREAKER_BELOW while it names a deal
# breaker. Chosen on the dev half of the labelled set (docs/dev/hesitancy-labelling.md).
LEANS_NEGATIVE = -0.2
BREAKER_BELOW = 0.4
# Faint praise is hesitant unless the comment reads clearly negative (an open complaint that
# happens to say "fine": "it's fine that you lost my bag?!").
CLEARLY_NEGATIVE = -0.9

# Hedges of the probing lexicon that mean a lukewarm verdict wherever they appear (its other
# phrases, such as "ok", "fine" or "mostly", are as often literal: "fine knit", "ok in a small").
_LUKEWARM = {
    "ok i guess",
    "okay i guess",
    "fine i guess",
    "good i guess",
    "not bad",
    "it's ok",
    "it's okay",
    "its ok",
    "it was ok",
    "it was okay",
    "it's fine",
    "just fine",
    "so-so",
    "so so",
    "mediocre",
    "meh",
    "could be better",
}
STRONG_HEDGES = (
    *(phrase for phrase in HEDGING_PHRASES if phrase in _LUKEWARM),
    "fine, i guess",
    "ok, i guess",
    "okay, i guess",
    "good, i guess",
    "it was fine",
    "it is fine",
    "nothing special",
    "nothing fancy",
    "nothing to write home about",
    "it'll do",
    "it will do",
    "does the job",
    "did the job",
    "good enough",
    "nice enough",
    "not the best",
    "not amazing",
    "not great but",
    "alright i guess",
    "it's alright",
    "it was alright",
    "average at best",
    "ok for the price",
    "okay for the price",
    "fine for the price",
    "decent for the price",
    "good for the price",
    "at the sale price",
    "worth it on sale",
    "ok for the money",
    "i suppose",
    "ok i suppose",
    "okay i suppose",
    "fine i suppose",
    "passable",
    "good enough i guess",
    "decent enough",
    "kind of ok",
    "kind of okay",
    "sort of ok",
    "sort of okay",
    "kind of fine",
    "not terrible",
    "could be worse",
    "it works i guess",
    "it'll have to do",
    "will have to do",
    "better than nothing",
)
# Softened complaints: the customer plays down what went wrong ("a bit disappointing"). The
# product counts them hesitant whatever the sentiment reads: the softening is the hesitation
# (docs/dev/hesitancy-labelling.md, "hedged complaints").
SOFTENED_COMPLAINTS = (
    "a bit disappointing",
    "a little disappointing",
    "slightly disappointing",
    "somewhat disappointing",
    "kind of disappointing",
    "kinda disappointing",
    "a bit of a letdown",
    "bit of a let down",
    "a bit underwhelming",
    "a little underwhelming",
    "somewhat underwhelming",
    "kind of underwhelming",
    "not quite what i expected",
    "not quite what i hoped",
    "expected a bit more",
    "expected a little more",
    "hoped for a bit more",
    "i guess it's fine",
    "i guess it is fine",
)
# Sarcasm: praise words that mean the opposite; never read as faint praise.
SARCASM = (
    "yeah right",
    "thanks for nothing",
    "oh great",
    "just great",
    "great, another",
    "great job breaking",
    "love how",
    "love that i",
    "so helpful, not",
    "what a joke",
    "nice try",
)
# Phrases that name an outcome the customer did not want.
DEAL_BREAKERS = (
    "return*",
    "send it back",
    "sending it back",
    "sent it back",
    "going back",
    "went back",
    "back it goes",
    "it's a pass",
    "passed on it",
    "decided against",
    "not for me",
    "didn't work for me",
    "did not work for me",
    "doesn't work for me",
    "did not work",
    "didn't work",
    "wouldn't recommend",
    "would not recommend",
    "won't buy",
    "will not buy",
    "never again",
    "cancel*",
    "refund*",
    "switch*",
)
AMBIVALENCE = (
    "on the fence",
    "can't decide",
    "cannot decide",
    "still deciding",
    "undecided",
    "not sure if i'll keep",
    "not sure if i will keep",
    "not sure i'll keep",
    "not sure whether to keep",
    "not sure if i want to keep",
    "mixed feelings",
    "not in love",
    "some reservations",
    "torn between",
    "i'm keeping it anyway",
    "i'll probably keep",
    "should be ok",
    "could be manageable",
)
# A short comment (at most SHORT_WORDS words) whose only content is a lukewarm verdict.
SHORT_WORDS = 6
_VERDICT = re.compile(
    r"^(?:(?:it|this|that|they|service|everything|all)(?:'s| is| was| were| are)? )?"
    r"(?:just |pretty |quite |kind of |kinda )?(?:fine|ok|okay|alright|average|decent|"
    r"acceptable|adequate|fair|satisfactory|so so|so-so|meh|nice)\b[.!]?$"
)


@dataclass(frozen=True)
class Hesitancy:
    hesitant: bool
    code: str = ""  # one of the reasons above, "" when not hesitant
    explanation: str = ""

    @property
    def reason(self) -> str:
        """ "code: explanation" (at most REASON_LENGTH characters), "" when not hesitant."""
        return f"{self.code}: {self.explanation}"[:REASON_LENGTH] if self.hesitant else ""


NOT_HESITANT = Hesitancy(hesitant=False)


def parse_scale(value: str | Sequence[float]) -> tuple[float, float]:
    """(lowest, highest) from "0-10", "1..5" or a pair of numbers; ValueError when unusable."""
    if isinstance(value, str):
        parts = [part for part in re.split(r"\s*(?:-|\.\.|:|,|to)\s*", value.strip()) if part]
        try:
            low, high = (float(part) for part in parts)
        except ValueError:
            raise ValueError("expected LOWEST-HIGHEST, e.g. 0-10 or 1-5") from None
    else:
        low, high = float(value[0]), float(value[1])
    if not low < high:
        raise ValueError(f"the lowest score ({low:g}) must be below the highest ({high:g})")
    return low, high


def infer_scale(scores: Sequence[float | None]) -> tuple[float, float] | None:
    """The usual scale that holds every score: 1-5 (or 0-5), 1-7, 0-10, else the scores' range.

    None when there is no score at all.
    """
    present = [float(score) for score in scores if score is not None]
    if not present:
        return None
    low, high = min(present), max(present)
    for lowest, highest in ((1, 5), (0, 5), (1, 7), (0, 10), (0, 100)):
        if lowest <= low and high <= highest:
            return float(lowest), float(highest)
    return (low, high) if low < high else (low - 1, high)


def satisfied(score: float, scale: tuple[float, float]) -> bool:
    low, high = scale
    return (score - low) / (high - low) >= SATISFIED_FROM


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def _score_reason(
    text: str, sentiment: Sentiment, score: float, scale: tuple[float, float]
) -> Hesitancy | None:
    neg, _, pos = sentiment.learned
    leaning = pos - neg
    breakers = matching_phrases(text, DEAL_BREAKERS)
    shown = f"{score:g} of {scale[0]:g}-{scale[1]:g}"
    if satisfied(score, scale):
        if leaning < LEANS_NEGATIVE or (breakers and leaning < BREAKER_BELOW):
            why = f' and says "{breakers[0].rstrip("*")}"' if breakers else ""
            return Hesitancy(
                True,
                "high_score_negative",
                f"a satisfied score ({shown}) but the comment reads negative{why}",
            )
        return None
    if pos >= 0.6 and not breakers and neg < 0.15:
        return Hesitancy(
            True,
            "low_score_polite",
            f"a dissatisfied score ({shown}) but the comment reads positive and names no problem",
        )
    return None


def _word_reason(text: str, sentiment: Sentiment) -> Hesitancy | None:
    if matching_phrases(text, SARCASM):
        return None
    found = matching_phrases(text, SOFTENED_COMPLAINTS)
    if found:
        return Hesitancy(True, "hedging", f'a softened complaint: "{found[0]}"')
    found = matching_phrases(text, AMBIVALENCE)
    if found and sentiment.label != "negative":
        return Hesitancy(True, "ambivalent", f'undecided: "{found[0]}"')
    if sentiment.score < CLEARLY_NEGATIVE:
        return None
    found = matching_phrases(text, STRONG_HEDGES)
    if found:
        return Hesitancy(True, "hedging", f'faint praise: "{found[0]}"')
    folded = _fold(text)
    if len(folded.split()) <= SHORT_WORDS and _VERDICT.match(folded.rstrip(".!, ")):
        return Hesitancy(True, "hedging", f'a lukewarm verdict: "{text.strip()}"')
    return None


def detect_hesitancy(
    text: str,
    sentiment: Sentiment,
    *,
    score: float | None = None,
    scale: tuple[float, float] | None = None,
) -> Hesitancy:
    """Whether the answer is hesitant, and why (see the module's docstring)."""
    if not text or not text.strip():
        return NOT_HESITANT
    found = _word_reason(text, sentiment)
    if found is None and score is not None and scale is not None:
        found = _score_reason(text, sentiment, score, scale)
    return found or NOT_HESITANT
