"""A small shop's answers for the insights page tests (test_pages_*.py).

Twelve weeks of NPS answers, each with a comment and an effort score, relative to now (the
pages read the current weeks): a quiet baseline, then four weeks where late, damaged parcels
pull the score down. Three themes are stored as the theme service stores them (Theme and
ItemTheme rows), sentiment and hesitancy as enrichment does; no model runs. Twenty customers
also answered four months ago, so tier movement has customers in both periods: ten moved up
two levels, ten down two.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import unescape

import numpy as np
from django.utils import timezone

from earful.accounts.models import Organization
from earful.feedback.models import FeedbackItem
from earful.insights.models import ItemTheme, Theme, vector_bytes
from earful.surveys.models import Answer, Response, Survey
from earful.surveys.scoring import tier_for
from earful.surveys.services.merging import feedback_items
from earful.surveys.tests.factories import make_survey

TEXTS = {  # theme -> (comment, sentiment)
    "Late delivery": ("The parcel arrived late and the box was damaged", "negative"),
    "Sizing": ("The size runs small, I had to return it", "negative"),
    "Friendly staff": ("Lovely staff in the shop, very helpful", "positive"),
    None: ("Bought a scarf for my sister", "neutral"),
}


@dataclass
class Shop:
    survey: Survey
    themes: dict[str, Theme]
    now: datetime


def monday(now: datetime) -> datetime:
    return (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def make_themes(organization: Organization) -> dict[str, Theme]:
    vector = vector_bytes(np.ones(4, dtype=np.float32) / 2)
    return {
        name: Theme.objects.create(
            organization=organization,
            label=name,
            keyphrases=[name.lower(), "parcel" if "deliv" in name.lower() else "shop"],
            centroid=vector,
            threshold=0.5,
        )
        for name in TEXTS
        if name
    }


@dataclass(frozen=True)
class Row:
    score: int
    theme: str | None
    at: datetime
    ref: str = ""  # the customer's reference: followed over time (identified surveys)


def save_answers(survey: Survey, rows: list[Row]) -> None:
    """Scored responses with their answers (NPS with its comment, effort) and the feedback
    items the answering service makes of them, in three bulk inserts: fast, and the items
    carry the real source keys (surveys.services.merging)."""
    questions = {q.key: q for q in survey.questions.all()}
    responses = [
        Response(
            organization_id=survey.organization_id, survey=survey, uid=uuid.uuid4(),
            idempotency_key=uuid.uuid4().hex, customer_ref="" if survey.is_trustee else row.ref,
            submitted_at=row.at, finished_at=row.at, score=row.score,
            tier=tier_for("nps", row.score), expanded_at=row.at,
        )
        for row in rows
    ]  # fmt: skip
    Response.objects.bulk_create(responses)
    answers, items = [], []
    for response, row in zip(responses, rows, strict=True):
        text = f"{TEXTS[row.theme][0]} ({row.at:%Y-%m-%d %H:%M:%S.%f} {row.ref})"
        nps = Answer(response=response, question=questions["nps"], number=row.score, comment=text)
        ease = Answer(response=response, question=questions["ease"], number=ease_of(row.score))
        answers += [nps, ease]
        items += feedback_items(response, [nps])
    Answer.objects.bulk_create(answers)
    FeedbackItem.objects.bulk_create(items)


def ease_of(score: int) -> int:
    """Effort follows the score: a question driver to find."""
    return min(7, 1 + score * 6 // 10)


def enrich(organization: Organization, themes: dict[str, Theme]) -> None:
    """Sentiment, hesitancy and themes for every item, as the analysis would store them."""
    items = FeedbackItem.objects.filter(organization=organization, theme_link__isnull=True)
    links = []
    for item in items:
        theme = next((name for name, (text, _) in TEXTS.items() if item.text.startswith(text)))
        item.sentiment = TEXTS[theme][1]
        item.analyzed_at = timezone.now()
        item.hesitant = "scarf" in item.text and (item.score or 0) >= 9
        item.hesitancy_reason = "hedging: faint praise" if item.hesitant else ""
        links.append(
            ItemTheme(
                organization=organization,
                item=item,
                theme=themes[theme] if theme else None,
                similarity=0.9 if theme else 0.1,
            )
        )
    FeedbackItem.objects.bulk_update(
        items, ["sentiment", "analyzed_at", "hesitant", "hesitancy_reason"]
    )
    ItemTheme.objects.bulk_create(links)


BASELINE = [(10, "Friendly staff"), (9, None), (8, "Sizing"), (9, "Late delivery"),
            (7, "Late delivery")]  # fmt: skip


def weeks_of_answers(now: datetime, *, scale: int = 1) -> list[Row]:
    """8 quiet weeks (15 answers each), then 4 bad ones (25 each, most about late parcels)."""
    this_monday, rows = monday(now), []
    for week in range(12):
        start = this_monday - timedelta(weeks=11 - week)
        recent = week >= 8
        for i in range(25 * scale if recent else 15 * scale):
            at = min(start + timedelta(hours=2 + 5 * i / scale), now - timedelta(minutes=5 + i))
            if recent:
                score, theme = (
                    (2 + i % 4, "Late delivery") if i % 5 != 4 else (10, "Friendly staff")
                )
            else:
                score, theme = BASELINE[i % 5]
            rows.append(Row(score, theme, at))
    return rows


def movement_answers(now: datetime) -> list[Row]:
    """20 customers answered 120 days ago and again yesterday: c-0 to c-9 went from
    dissatisfied to highly satisfied, c-10 to c-19 the other way."""
    rows = []
    for i in range(20):
        before, after = (3, 10) if i < 10 else (9, 2)
        theme = "Friendly staff" if after == 10 else "Late delivery"
        rows.append(Row(before, "Sizing", now - timedelta(days=120), f"c-{i}"))
        rows.append(Row(after, theme, now - timedelta(days=1), f"c-{i}"))
    return rows


def make_shop(organization: Organization, *, scale: int = 1, **survey_options: object) -> Shop:
    now = timezone.now()
    survey = make_survey(organization, **survey_options)  # type: ignore[arg-type]
    themes = make_themes(organization)
    save_answers(survey, weeks_of_answers(now, scale=scale) + movement_answers(now))
    enrich(organization, themes)
    return Shop(survey, themes, now)


def linked_numbers(html: str) -> list[tuple[str, int]]:
    """(link, number) for every whole number outside the charts that links to comments."""
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    found = re.findall(r'<a href="(/insights/comments/[^"]*)"[^>]*>\s*(\d+)\s*(?:<br>|</a>)', html)
    return [(unescape(href), int(number)) for href, number in found]


def comments_count(client, link: str) -> int:
    html = client.get(link).content.decode()
    return int(re.search(r"<h2>(\d+) comments?</h2>", html).group(1))


def page_text(html: str) -> str:
    """A page's words, without its charts and styles, on one line (for asserting on text)."""
    html = re.sub(r"<(svg|style).*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
