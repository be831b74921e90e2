"""What changed this week, in plain words: pure functions over the home page's numbers."""

from __future__ import annotations

import math

from earful.home.selectors import SurveyCard, Window
from earful.surveys.scoring import Tier

Z_95 = 1.96  # a change more than 1.96 standard errors away from none: unlikely to be chance
MIN_ANSWERS = 10  # fewer answers in either week: too few to compare at all


def _variance(kind: str, window: Window) -> float | None:
    """The variance of one answer's contribution to the headline score, in score units."""
    n = window.scored
    if n < 2:
        return None
    highly = window.tiers[Tier.HIGHLY_SATISFIED] / n
    low = window.tiers[Tier.DISSATISFIED] / n
    if kind == "nps":  # each answer counts +100, 0 or -100
        return 100 * 100 * ((highly + low) - (highly - low) ** 2)
    if kind == "csat":  # each answer counts 100 (4-5) or 0
        p = highly + window.tiers[Tier.SATISFIED] / n
        return 100 * 100 * p * (1 - p)
    mean = window.sum_of_scores / n
    return max(window.sum_of_squares / n - mean * mean, 0.0)


def is_clear_change(kind: str, now: Window, before: Window) -> bool:
    """Whether the two weeks' scores differ by more than chance would explain (two-sided, 95%)."""
    a, b = now.score(kind), before.score(kind)
    va, vb = _variance(kind, now), _variance(kind, before)
    if a is None or b is None or va is None or vb is None:
        return False
    error = math.sqrt(va / now.scored + vb / before.scored)
    return (error == 0 and a != b) or (error > 0 and abs(a - b) / error >= Z_95)


def _answers(n: int) -> str:
    return f"{n} answer{'' if n == 1 else 's'}"


def _points(kind: str) -> str:
    return "points" if kind in ("nps", "csat") else ""


def change_sentence(card: SurveyCard) -> str:
    """One sentence on a survey's week: answers, the score and whether the change is real."""
    kind, title = card.survey.score_kind, card.survey.title
    now, before = card.this_week, card.last_week
    label = card.score_label.split(" (")[0]
    if card.hidden:
        return f"{title}: too few answers to show (trustee mode keeps small groups hidden)."
    if now.answers == 0:
        before_words = _answers(before.answers)
        return f"{title}: no answers in the last 7 days ({before_words} the 7 days before)."
    a, b = now.score(kind), before.score(kind)
    head = (
        f"{title}: {_answers(now.answers)} in the last 7 days "
        f"({_answers(before.answers)} the 7 days before)"
    )
    if a is None:
        return head + "."
    if b is None:
        return f"{head}; {label} {a:g}."
    diff = a - b
    unit = _points(kind)
    if diff == 0:
        return f"{head}; {label} unchanged at {a:g}."
    way = "rose" if diff > 0 else "fell"
    moved = f"{label} {way} {abs(diff):.1f}{' ' + unit if unit else ''} to {a:g}"
    if now.scored < MIN_ANSWERS or before.scored < MIN_ANSWERS:
        return f"{head}; {moved}, from too few answers to tell a real change from chance."
    if is_clear_change(kind, now, before):
        return f"{head}; {moved}, a change too large to be chance."
    return (
        f"{head}; {moved}, but with this many answers a change this size happens by chance "
        "alone, so it is not a real rise or fall yet."
    )
