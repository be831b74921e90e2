"""What changed: a change of the overall score split into the groups that account for it.

Method (symmetric shift-share, also called a mix/rate decomposition)
  The overall score is a weighted mean of group scores, S = sum_g w_g * S_g, where w_g is the
  group's share of responses and S_g the mean of its per-response values (+100/0/-100 for NPS,
  so S is the NPS). Between period A and B, with means of the two periods written w̄_g, S̄_g
  and S̄ = (S_A + S_B) / 2:
      contribution_g = w̄_g * (S_B,g - S_A,g)        rate: the group itself got better or worse
                     + (w_B,g - w_A,g) * (S̄_g - S̄)   mix: the group grew or shrank, above or
                                                       below the average
  Because w_B*S_B - w_A*S_A = w̄*ΔS + Δw*S̄_g for every group and the shares sum to 1 in both
  periods (so sum_g Δw_g * S̄ = 0), the contributions add up exactly to S_B - S_A: no
  residual, no interaction term, and the order of A and B only flips the signs.
  A group present in one period only takes its score from that period for both, so its whole
  contribution is mix (it arrived or left).

Items with several labels (a response mentioning two themes) are split: each response carries
a weight of 1 spread evenly over its labels (1/2 to each of two themes), so the shares still sum
to 1 and S is still the overall score. A response with no label counts in a group of its own
("no theme"). Contributions describe what happened in the responses; they are not a test: a
small group's contribution is noisy, which the trends test (trends.py) is there to judge.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

NO_LABEL = "(none)"


@dataclass(frozen=True)
class Groups:
    """One period: each group's share of the responses and its score (mean value)."""

    score: float
    shares: dict[str, float]
    scores: dict[str, float]
    responses: int


def group_scores(values: Sequence[float] | np.ndarray, labels: Sequence[Collection[str]]) -> Groups:
    """Shares and scores per label, a response split evenly over its labels (see module doc)."""
    values = np.asarray(values, dtype=float)
    if len(values) != len(labels):
        raise ValueError("values and labels must have the same length")
    if len(values) == 0:
        raise ValueError("a period needs at least one response")
    weight: dict[str, float] = {}
    weighted: dict[str, float] = {}
    for value, names in zip(values, labels, strict=True):
        names = sorted(set(names)) or [NO_LABEL]
        for name in names:
            weight[name] = weight.get(name, 0.0) + 1 / len(names)
            weighted[name] = weighted.get(name, 0.0) + value / len(names)
    n = len(values)
    shares = {name: w / n for name, w in weight.items()}
    scores = {name: weighted[name] / w for name, w in weight.items()}
    return Groups(float(values.mean()), shares, scores, n)


@dataclass(frozen=True)
class Contribution:
    group: str
    share_a: float
    share_b: float
    score_a: float | None  # None: the group had no response in that period
    score_b: float | None
    rate: float
    mix: float

    @property
    def total(self) -> float:
        return self.rate + self.mix


@dataclass(frozen=True)
class Decomposition:
    dimension: str  # what the groups are: "theme", "plan", "region", "channel" ...
    score_a: float
    score_b: float
    contributions: tuple[Contribution, ...]  # largest first (by absolute size)
    responses_a: int = 0
    responses_b: int = 0

    @property
    def change(self) -> float:
        return self.score_b - self.score_a

    def responses(self, contribution: Contribution) -> float:
        """The fewer of the group's (fractional) responses in the two periods."""
        return min(contribution.share_a * self.responses_a, contribution.share_b * self.responses_b)


def _either(first: float | None, second: float | None) -> float:
    """A group's score in one period, or the other period's when it had no response."""
    value = first if first is not None else second
    if value is None:
        raise ValueError("a group must have responses in one period at least")
    return value


def decompose(a: Groups, b: Groups, *, dimension: str) -> Decomposition:
    """Contributions of every group to b.score - a.score; they sum to it exactly."""
    mean_score = (a.score + b.score) / 2
    rows = []
    for group in sorted(a.shares.keys() | b.shares.keys()):
        share_a, share_b = a.shares.get(group, 0.0), b.shares.get(group, 0.0)
        score_a, score_b = a.scores.get(group), b.scores.get(group)
        s_a, s_b = _either(score_a, score_b), _either(score_b, score_a)
        rate = (share_a + share_b) / 2 * (s_b - s_a)
        mix = (share_b - share_a) * ((s_a + s_b) / 2 - mean_score)
        rows.append(Contribution(group, share_a, share_b, score_a, score_b, rate, mix))
    rows.sort(key=lambda c: (-abs(c.total), c.group))
    return Decomposition(dimension, a.score, b.score, tuple(rows), a.responses, b.responses)


Phrase = Callable[[str, str], str]  # (dimension, group) -> words for the group


def _number(value: float, decimals: int) -> str:
    return f"{abs(value):.{decimals}f}"


def named_contributions(decomposition: Decomposition, min_responses: int) -> list[Contribution]:
    """The contributions pulling the same way as the change, large enough to be worth saying,
    from groups with at least `min_responses` responses in each period, largest first."""
    change = decomposition.change
    floor = 0.1 * abs(change)
    return [
        c
        for c in decomposition.contributions
        if c.total * change > 0
        and abs(c.total) >= floor
        and decomposition.responses(c) >= min_responses
    ]


def _parts(d: Decomposition, top: int, decimals: int, phrase: Phrase, least: int) -> str:
    named = [c for c in named_contributions(d, least) if round(abs(c.total), decimals) > 0][:top]
    return ", ".join(
        f"{_number(c.total, decimals)} from {phrase(d.dimension, c.group)}" for c in named
    )


def describe_change(
    decompositions: Sequence[Decomposition],
    *,
    label: str = "NPS",
    unit: str = " points",
    decimals: int = 1,
    top: int = 2,
    min_responses: int = 0,
    phrase: Phrase = lambda dimension, group: group,
) -> str:
    """One plain sentence: "NPS fell 6.0 points: 4.1 from Delivery, 1.2 from Sizing." With
    several dimensions each part says which it is, because each dimension adds up to the whole
    change on its own: "...: 4.1 from Delivery (by theme); 1.9 from the Enterprise plan (by
    plan)." Groups with fewer than `min_responses` responses in a period are not named: their
    contributions are mostly noise."""
    if not decompositions:
        raise ValueError("nothing to describe")
    first = decompositions[0]
    change = first.change
    if round(abs(change), decimals) == 0:
        return f"{label} held steady at {first.score_b:.{decimals}f}."
    verb = "rose" if change > 0 else "fell"
    head = f"{label} {verb} {_number(change, decimals)}{unit}"
    said = [
        (d, p) for d in decompositions if (p := _parts(d, top, decimals, phrase, min_responses))
    ]
    if len(decompositions) == 1:
        return f"{head}: {said[0][1]}." if said else f"{head}."
    clauses = [f"{parts} (by {d.dimension})" for d, parts in said]
    return f"{head}: {'; '.join(clauses)}." if clauses else f"{head}."
