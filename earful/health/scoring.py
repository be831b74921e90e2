"""The health score: pure functions from a customer's signals to a 0-100 score that explains
itself. No database access (services/gathering.py reads the signals).

score = BASE + the sum of each component's points times its weight, kept within 0-100.
Default points (documented in docs/user/health.md):

  recency     purchases against the customer's own rhythm (the mean gap between orders):
              on rhythm +10; late by up to 1.5x -4; 1.5-2x -10; 2-3x -18; over 3x -25;
              one order only, over 90 days ago -10
  frequency   orders in the last 90 days against the 90 before: under half -8; 2 more +4
  tier        the last answer's tier: highly satisfied +10, satisfied 0, dissatisfied -15
  movement    the tier against the answer before: up a level +5, down a level -8 (-12 for two)
  sentiment   recent words (180 days): mostly negative -12, mostly positive +5
  hesitancy   a hesitant answer in the last 180 days -8 ("fine, I guess")
  silence     invitations of the last 180 days left unanswered (a week's grace) by someone who
              answered before: -6 each, at most -15
  listening   nobody contacted or answered them: 60-90 days -5, over 90 days (or never) -10
  cases       open cases -5 each (at most -10), past their target -10 each (at most -20)
  commitments commitments to them missed (180 days) -10 each, at most -20

Every component's value also says when it next changes on its own (`due`): the nightly
recompute reads only customers whose score is due or whose data changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

BASE = 70
COMPONENTS = (
    "recency",
    "frequency",
    "tier",
    "movement",
    "sentiment",
    "hesitancy",
    "silence",
    "listening",
    "cases",
    "commitments",
)
DEFAULT_WEIGHTS: dict[str, float] = dict.fromkeys(COMPONENTS, 1.0)
RECENT = timedelta(days=90)
VOICE_WINDOW = timedelta(days=180)
SILENCE_GRACE = timedelta(days=7)
TIER_LEVEL = {"dissatisfied": 0, "satisfied": 1, "highly_satisfied": 2}
TIER_WORDS = {
    "dissatisfied": "dissatisfied",
    "satisfied": "satisfied",
    "highly_satisfied": "highly satisfied",
}


class Band:
    CHAMPION = "champion"
    HEALTHY = "healthy"
    ATTENTION = "attention"
    AT_RISK = "at_risk"

    LABELS = {
        CHAMPION: "Champion",
        HEALTHY: "Healthy",
        ATTENTION: "Needs attention",
        AT_RISK: "At risk",
    }


def band_for(score: int) -> str:
    """Over 80 champion, 60-80 healthy, 40-59 needs attention, under 40 at risk."""
    if score > 80:
        return Band.CHAMPION
    if score >= 60:
        return Band.HEALTHY
    return Band.ATTENTION if score >= 40 else Band.AT_RISK


@dataclass
class Inputs:
    """What health reads about one customer, as of one moment."""

    orders: int = 0
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None
    orders_recent: int = 0  # last 90 days
    orders_prior: int = 0  # the 90 days before
    oldest_recent_at: datetime | None = None  # the oldest order of the last 90 days
    oldest_prior_at: datetime | None = None
    value_12m: Decimal = Decimal(0)
    tier: str = ""
    tier_before: str = ""
    voices: int = 0  # recent (180 days), named customer's own words
    sentiment_avg: float | None = None
    negative: int = 0
    hesitant: int = 0
    oldest_voice_at: datetime | None = None
    unanswered: int = 0  # invitations sent 7-180 days ago, not answered
    answered_before: bool = False
    oldest_unanswered_at: datetime | None = None
    newest_pending_at: datetime | None = None  # sent within the week's grace
    last_touch_at: datetime | None = None
    open_cases: int = 0
    breached_cases: int = 0
    missed_commitments: int = 0


@dataclass(frozen=True)
class Reason:
    component: str
    points: int
    text: str


@dataclass
class Result:
    score: int
    band: str
    reasons: list[Reason]
    points: dict[str, int]  # each component's unweighted points (what the fit learns from)
    due_at: datetime | None
    rhythm_days: float | None = None
    lateness: float | None = None  # days since the last order / rhythm
    dues: list[datetime] = field(default_factory=list, repr=False)


def _days(delta: timedelta) -> int:
    return max(0, delta.days)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _recency(i: Inputs, now: datetime, dues: list[datetime]) -> tuple[int, str]:
    if i.orders == 0 or i.last_order_at is None:
        return 0, ""
    gap = now - i.last_order_at
    if i.orders == 1 or i.first_order_at is None:
        if gap > RECENT:
            return -10, f"one order only, {_days(gap)} days ago"
        dues.append(i.last_order_at + RECENT)
        return 0, ""
    rhythm = max((i.last_order_at - i.first_order_at) / (i.orders - 1), timedelta(days=1))
    ratio = gap / rhythm
    usual = f"usually every {max(1, round(rhythm.total_seconds() / 86400))}"
    for limit, points in ((1, 10), (1.5, -4), (2, -10), (3, -18)):
        if ratio <= limit:
            dues.append(i.last_order_at + rhythm * limit)
            if points > 0:
                return points, f"ordered {_days(gap)} days ago, on rhythm ({usual})"
            return points, f"no order in {_days(gap)} days, {usual}"
    return -25, f"no order in {_days(gap)} days, {usual}"


def _frequency(i: Inputs, now: datetime, dues: list[datetime]) -> tuple[int, str]:
    for at, span in ((i.oldest_recent_at, RECENT), (i.oldest_prior_at, 2 * RECENT)):
        if at is not None:
            dues.append(at + span)
    words = f"{_plural(i.orders_recent, 'order')} in the last 90 days, {i.orders_prior} before"
    if i.orders_prior >= 2 and i.orders_recent * 2 < i.orders_prior:
        return -8, words
    if i.orders_prior and i.orders_recent >= i.orders_prior + 2:
        return 4, words
    return 0, ""


def _tier(i: Inputs) -> tuple[tuple[int, str], tuple[int, str]]:
    if not i.tier:
        return (0, ""), (0, "")
    points = {"highly_satisfied": 10, "satisfied": 0, "dissatisfied": -15}[i.tier]
    tier = (points, f"last answer: {TIER_WORDS[i.tier]}") if points else (0, "")
    if not i.tier_before:
        return tier, (0, "")
    step = TIER_LEVEL[i.tier] - TIER_LEVEL[i.tier_before]
    moved = f"from {TIER_WORDS[i.tier_before]} to {TIER_WORDS[i.tier]}"
    if step > 0:
        return tier, (5, f"moved up {moved}")
    if step < 0:
        return tier, (-8 if step == -1 else -12, f"slipped {moved}")
    return tier, (0, "")


def _voices(i: Inputs, dues: list[datetime]) -> tuple[tuple[int, str], tuple[int, str]]:
    if i.oldest_voice_at is not None:
        dues.append(i.oldest_voice_at + VOICE_WINDOW)
    sentiment = (0, "")
    if i.voices and i.sentiment_avg is not None:
        if i.sentiment_avg <= -0.3:
            sentiment = (-12, f"recent words mostly negative ({i.negative} of {i.voices})")
        elif i.sentiment_avg >= 0.3:
            sentiment = (5, f"recent words mostly positive ({_plural(i.voices, 'voice')})")
    hesitancy = (0, "")
    if i.hesitant:
        hesitancy = (-8, f"hesitant in {_plural(i.hesitant, 'recent answer')}")
    return sentiment, hesitancy


def _silence(i: Inputs, dues: list[datetime]) -> tuple[int, str]:
    if i.oldest_unanswered_at is not None:
        dues.append(i.oldest_unanswered_at + VOICE_WINDOW)
    if i.newest_pending_at is not None:
        dues.append(i.newest_pending_at + SILENCE_GRACE)
    if not i.unanswered or not i.answered_before:
        return 0, ""
    points = max(-15, -6 * i.unanswered)
    return points, f"{_plural(i.unanswered, 'invitation')} unanswered, after answering before"


def _listening(i: Inputs, now: datetime, dues: list[datetime]) -> tuple[int, str]:
    if i.last_touch_at is None:
        return -10, "nobody has contacted or answered them yet"
    days = _days(now - i.last_touch_at)
    for limit in (60, 90):
        if days < limit:
            dues.append(i.last_touch_at + timedelta(days=limit))
    if days >= 90:
        return -10, f"nobody has contacted or answered them in {days} days"
    if days >= 60:
        return -5, f"nobody has contacted or answered them in {days} days"
    return 0, ""


def _cases(i: Inputs) -> tuple[tuple[int, str], tuple[int, str]]:
    cases = (0, "")
    points = max(-10, -5 * i.open_cases) + max(-20, -10 * i.breached_cases)
    if points:
        late = f", {i.breached_cases} past target" if i.breached_cases else ""
        cases = (points, f"{_plural(i.open_cases, 'open case')}{late}")
    commitments = (0, "")
    if i.missed_commitments:
        commitments = (
            max(-20, -10 * i.missed_commitments),
            f"{_plural(i.missed_commitments, 'commitment')} to them missed",
        )
    return cases, commitments


def score_customer(
    inputs: Inputs, *, now: datetime, weights: dict[str, float] | None = None
) -> Result:
    """The score, its band and its reasons (largest first), as of `now`."""
    weights = weights or DEFAULT_WEIGHTS
    dues: list[datetime] = []
    tier, movement = _tier(inputs)
    sentiment, hesitancy = _voices(inputs, dues)
    cases, commitments = _cases(inputs)
    parts = {
        "recency": _recency(inputs, now, dues),
        "frequency": _frequency(inputs, now, dues),
        "tier": tier,
        "movement": movement,
        "sentiment": sentiment,
        "hesitancy": hesitancy,
        "silence": _silence(inputs, dues),
        "listening": _listening(inputs, now, dues),
        "cases": cases,
        "commitments": commitments,
    }
    total = float(BASE)
    reasons = []
    for name, (points, text) in parts.items():
        weighted = points * weights.get(name, 1.0)
        total += weighted
        if text and round(weighted):
            reasons.append(Reason(name, round(weighted), text))
    reasons.sort(key=lambda r: -abs(r.points))
    score = max(0, min(100, round(total)))
    future = [d for d in dues if d > now]
    result = Result(
        score=score,
        band=band_for(score),
        reasons=reasons,
        points={name: points for name, (points, _) in parts.items()},
        due_at=min(future) if future else None,
    )
    if inputs.orders >= 2 and inputs.first_order_at and inputs.last_order_at:
        rhythm = (inputs.last_order_at - inputs.first_order_at) / (inputs.orders - 1)
        result.rhythm_days = max(rhythm.total_seconds() / 86400, 1.0)
        result.lateness = (now - inputs.last_order_at).total_seconds() / 86400 / result.rhythm_days
    return result


def reason_text(reason: Reason) -> str:
    """ "-18: no order in 74 days, usually every 21"."""
    return f"{reason.points:+d}: {reason.text}"
