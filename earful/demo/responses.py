"""The demo's three surveys and a year of answers to them, planned without touching the database.

Every answer comes from one real review: its star rating sets every score (see
`reviews.SCORE_BANDS`), its text is the comment, its department the "what do you buy" choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from earful.demo.reviews import Review, ReviewDeck, load_reviews, rating_at, score_for
from earful.surveys.validation import QuestionSpec

SEED = 2026
YEAR = timedelta(days=365)
DEPARTMENTS = {
    "Tops": "Tops",
    "Dresses": "Dresses",
    "Bottoms": "Trousers & skirts",
    "Intimate": "Lingerie & loungewear",
    "Jackets": "Jackets & coats",
    "Trend": "Seasonal collections",
}


@dataclass(frozen=True)
class DemoSurvey:
    slug: str  # names its responses' idempotency keys: demo-<slug>-<n>
    title: str
    questions: tuple[QuestionSpec, ...]  # the first one is the headline score
    share: float  # of all the demo's responses


SURVEYS = (
    DemoSurvey(
        slug="nps",
        title="Relationship NPS",
        share=0.45,
        questions=(
            QuestionSpec(
                key="nps",
                type="nps",
                text="How likely are you to recommend Northwind Apparel to a friend?",
                comment=True,
                comment_prompt="What is the main reason for your score?",
                required=True,
            ),
            QuestionSpec(
                key="fit", type="ces", text="How easy is it to find clothes that fit you well?"
            ),
            QuestionSpec(
                key="department",
                type="choice",
                text="What do you buy from us most often?",
                choices=list(DEPARTMENTS.values()),
            ),
        ),
    ),
    DemoSurvey(
        slug="csat",
        title="Post-purchase satisfaction",
        share=0.35,
        questions=(
            QuestionSpec(
                key="csat",
                type="csat",
                text="How satisfied are you with your recent order?",
                comment=True,
                comment_prompt="Tell us about the item you bought.",
                required=True,
            ),
        ),
    ),
    DemoSurvey(
        slug="ces",
        title="Delivery and returns",
        share=0.20,
        questions=(
            QuestionSpec(
                key="effort",
                type="ces",
                text="How easy was it to get the right item: delivery, sizing, any return?",
                comment=True,
                comment_prompt="What could we have made easier?",
                required=True,
            ),
        ),
    ),
)


@dataclass(frozen=True)
class PlannedResponse:
    key: str
    customer_ref: str
    submitted_at: datetime
    answers: dict[str, Any]


@dataclass(frozen=True)
class Respondent:
    external_id: str
    timezone: str


def _age(rng: Random) -> float:
    """How long ago, as a fraction of a year. Recent months are busier (about twice the first)."""
    return rng.random() if rng.random() < 0.6 else rng.triangular(0.0, 1.0, 0.0)


def _in_daytime(moment: datetime, timezone: str) -> datetime:
    """People answer between 7:00 and 22:00 their time: a night-time moment moves 12 hours back."""
    hour = moment.astimezone(ZoneInfo(timezone)).hour
    return moment - timedelta(hours=12) if hour < 7 or hour >= 22 else moment


def _comment_wanted(rating: int, rng: Random) -> bool:
    """About 60% leave a comment; unhappy customers a little more often."""
    return rng.random() < (0.75 if rating <= 2 else 0.58)


def answers_for(survey: DemoSurvey, review: Review, comment: bool, rng: Random) -> dict[str, Any]:
    """Every score consistent with the review's rating; optional questions skipped now and then."""
    headline, *others = survey.questions
    answers: dict[str, Any] = {headline.key: score_for(headline.type, review.rating, rng)}
    if comment:
        answers[f"{headline.key}_comment"] = review.text
    for question in others:
        if rng.random() >= 0.8:
            continue
        if question.type == "choice" and review.department in DEPARTMENTS:
            answers[question.key] = DEPARTMENTS[review.department]
        elif question.type != "choice":
            answers[question.key] = score_for(question.type, review.rating, rng)
    return answers


def new_deck() -> ReviewDeck:
    """The reviews in the demo's fixed order. Share one deck between surveys: fewer repeats."""
    return ReviewDeck(load_reviews(), Random(SEED))


def plan_responses(
    survey: DemoSurvey,
    *,
    count: int,
    respondents: list[Respondent],
    now: datetime,
    deck: ReviewDeck,
) -> list[PlannedResponse]:
    """`count` responses over the year before `now`: the same ones, relative to `now`, every run
    that deals from a deck in the same state."""
    rng = Random(f"{SEED}:{survey.slug}")
    planned = []
    for number in range(1, count + 1):
        age = _age(rng)
        rating = rating_at(1.0 - age, rng)
        comment = _comment_wanted(rating, rng)
        review = deck.deal(rating) if comment else rng.choice(deck.pile(rating))
        respondent = rng.choice(respondents)
        planned.append(
            PlannedResponse(
                key=f"demo-{survey.slug}-{number}",
                customer_ref=respondent.external_id,
                submitted_at=_in_daytime(now - age * YEAR, respondent.timezone),
                answers=answers_for(survey, review, comment, rng),
            )
        )
    return planned
