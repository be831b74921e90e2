"""A small organization's inbox for the tests: three customers with current tiers, items on
every channel with enrichment and themes stored as the analysis stores them (no model runs)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.utils import timezone

from earful.accounts.models import Organization
from earful.customers.models import Account, Customer
from earful.feedback.models import FeedbackItem
from earful.inbox.tests.factories import make_item
from earful.insights.models import ItemTheme, Theme, vector_bytes
from earful.surveys.models import Response, Survey
from earful.surveys.tests.factories import make_survey


@dataclass
class Inbox:
    now: datetime
    customers: dict[str, Customer]
    accounts: dict[str, Account]
    themes: dict[str, Theme]
    survey: Survey
    items: dict[str, FeedbackItem]


def make_theme(organization: Organization, name: str) -> Theme:
    return Theme.objects.create(
        organization=organization,
        label=name,
        centroid=vector_bytes(np.ones(4, dtype=np.float32) / 2),
        threshold=0.5,
    )


def link_theme(item: FeedbackItem, theme: Theme | None) -> None:
    ItemTheme.objects.create(
        organization_id=item.organization_id, item=item, theme=theme, similarity=0.9
    )


def answer(survey: Survey, customer: Customer | None, score: int | None, tier: str, at: datetime):
    return Response.objects.create(
        organization_id=survey.organization_id, survey=survey, customer=customer,
        idempotency_key=uuid.uuid4().hex, submitted_at=at, finished_at=at, score=score, tier=tier,
    )  # fmt: skip


def make_inbox(organization: Organization) -> Inbox:
    now = timezone.now()
    day = timedelta(days=1)
    acme = Account.objects.create(organization=organization, name="Acme")
    beta = Account.objects.create(organization=organization, name="Beta")
    ann = Customer.objects.create(
        organization=organization, external_id="ann", name="Ann Archer", account=acme
    )
    ben = Customer.objects.create(
        organization=organization, external_id="ben", name="Ben Brook", account=beta
    )
    cat = Customer.objects.create(organization=organization, external_id="cat", name="Cat Cole")
    survey = make_survey(organization)
    # Current tiers: Ann highly satisfied (was dissatisfied), Ben dissatisfied (was highly
    # satisfied), Cat satisfied (a later answer without a score does not count).
    answer(survey, ann, 2, "dissatisfied", now - 10 * day)
    answer(survey, ann, 10, "highly_satisfied", now - 2 * day)
    answer(survey, ben, 9, "highly_satisfied", now - 20 * day)
    answer(survey, ben, 1, "dissatisfied", now - 1 * day)
    answer(survey, cat, 7, "satisfied", now - 5 * day)
    answer(survey, cat, None, "", now - 1 * day)
    themes = {name: make_theme(organization, name) for name in ("Billing", "Delivery")}
    analyzed = {"analyzed_at": now}
    items = {
        "refund": make_item(
            organization, "Refund still not processed after three weeks", title="Refund",
            channel="ticket", source="zendesk", customer=ann, sentiment="negative",
            hesitant=False, ago=timedelta(hours=1), **analyzed,
        ),
        "one_star": make_item(
            organization, "Parcel came broken, never again", channel="review",
            source="trustpilot", author="Margot L.", score=1, score_scale="1-5",
            sentiment="negative", hesitant=False, url="https://reviews.example/r/1",
            metadata={"language": "en", "verified": True}, ago=2 * day, **analyzed,
        ),
        "five_stars": make_item(
            organization, "Five stars but the strap snapped on day two", channel="review",
            source="trustpilot", author="Jo", score=5, score_scale="1-5", sentiment="positive",
            hesitant=True, hesitancy_reason="high_score_negative: a top score over a complaint",
            ago=3 * day, **analyzed,
        ),
        "post": make_item(
            organization, "Anyone else waiting on their order?", channel="social",
            source="mastodon", customer=ben, sentiment="neutral", ago=5 * day, **analyzed,
        ),
        "idea": make_item(
            organization, "Please add gift wrapping", channel="idea", customer=cat, ago=10 * day
        ),
        "comment": make_item(
            organization, "Good value overall", channel="survey", customer=ann, score=9,
            score_scale="0-10", ago=40 * day, **analyzed,
        ),  # analyzed, no sentiment: given up on
        "old_ticket": make_item(
            organization, "Thanks for sorting my invoice", channel="ticket", source="freshdesk",
            customer=ben, sentiment="positive", hesitant=False, ago=60 * day, **analyzed,
        ),
    }  # fmt: skip
    link_theme(items["refund"], themes["Billing"])
    link_theme(items["old_ticket"], themes["Billing"])
    link_theme(items["one_star"], themes["Delivery"])
    link_theme(items["post"], None)  # analyzed, fits no theme: emerging
    return Inbox(
        now=now,
        customers={"ann": ann, "ben": ben, "cat": cat},
        accounts={"acme": acme, "beta": beta},
        themes=themes,
        survey=survey,
        items=items,
    )
