"""Question types, score scales and the three satisfaction tiers. Pure functions.

Tier mapping (documented in docs/user/scores-and-tiers.md):
  NPS 0-10:     9-10 highly satisfied, 7-8 satisfied, 0-6 dissatisfied
  CSAT 1-5:     5 highly satisfied, 4 satisfied, 1-3 dissatisfied
  CES 1-7:      6-7 highly satisfied, 5 satisfied, 1-4 dissatisfied (7 = very easy)
  Rating 1-5:   as CSAT
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models


class QuestionType(models.TextChoices):
    NPS = "nps", "Net Promoter Score (0-10)"
    CSAT = "csat", "Customer satisfaction (1-5)"
    CES = "ces", "Customer effort (1-7)"
    RATING = "rating", "Star rating (1-5)"
    CHOICE = "choice", "Single choice"
    MULTI_CHOICE = "multi_choice", "Multiple choice"
    TEXT = "text", "Open text"


class Tier(models.TextChoices):
    HIGHLY_SATISFIED = "highly_satisfied", "Highly satisfied"
    SATISFIED = "satisfied", "Satisfied"
    DISSATISFIED = "dissatisfied", "Dissatisfied"


SCALES: dict[str, tuple[int, int]] = {
    QuestionType.NPS: (0, 10),
    QuestionType.CSAT: (1, 5),
    QuestionType.CES: (1, 7),
    QuestionType.RATING: (1, 5),
}
SCORE_TYPES = frozenset(SCALES)
CHOICE_TYPES = frozenset({QuestionType.CHOICE, QuestionType.MULTI_CHOICE})

# Lowest value of the highly satisfied and of the satisfied tier, per score type.
_TIER_CUTS: dict[str, tuple[int, int]] = {
    QuestionType.NPS: (9, 7),
    QuestionType.CSAT: (5, 4),
    QuestionType.CES: (6, 5),
    QuestionType.RATING: (5, 4),
}


def tier_for(kind: str, value: int) -> Tier:
    highly, satisfied = _TIER_CUTS[kind]
    if value >= highly:
        return Tier.HIGHLY_SATISFIED
    if value >= satisfied:
        return Tier.SATISFIED
    return Tier.DISSATISFIED


def _round(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def headline_score(
    kind: str, *, tiers: dict[str, int], total: int, sum_of_scores: int
) -> float | None:
    """NPS: % promoters - % detractors; CSAT: % answering 4-5; CES and rating: the average.

    Computed from exact integers and rounded half-up to one decimal.
    """
    if total == 0:
        return None
    highly = tiers.get(Tier.HIGHLY_SATISFIED, 0)
    satisfied = tiers.get(Tier.SATISFIED, 0)
    dissatisfied = tiers.get(Tier.DISSATISFIED, 0)
    if kind == QuestionType.NPS:
        return _round(Decimal(100 * (highly - dissatisfied)) / total)
    if kind == QuestionType.CSAT:
        return _round(Decimal(100 * (highly + satisfied)) / total)
    return _round(Decimal(sum_of_scores) / total)


SCORE_LABELS: dict[str, str] = {
    QuestionType.NPS: "NPS",
    QuestionType.CSAT: "CSAT %",
    QuestionType.CES: "CES (average, 1-7)",
    QuestionType.RATING: "Average rating",
}
