"""Reads of feedback items and their enrichment: progress, sentiment mix, lists. Grouped queries;
none grows with the number of items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from earful.accounts.models import Organization
from earful.feedback.models import FeedbackItem, Sentiment
from earful.insights.selectors_comments import uid_of_item
from earful.surveys.models import Answer, Response
from earful.surveys.selectors import is_held_back
from earful.surveys.services.merging import source_key

SENTIMENTS: tuple[str, ...] = tuple(Sentiment.values)


@dataclass(frozen=True)
class FeedbackProgress:
    """How far enrichment is: `analyzed` items have a sentiment, `pending` ones wait for the
    worker, `failed` ones were given up on (their error is on the item)."""

    analyzed: int
    pending: int
    failed: int
    sentiments: dict[str, int]  # analyzed items per sentiment
    hesitant: int

    @property
    def total(self) -> int:
        return self.analyzed + self.pending + self.failed

    @property
    def done(self) -> int:
        return self.analyzed + self.failed

    @property
    def percent(self) -> int:
        """Share of the items done, rounded down (100 only when nothing is pending)."""
        return 100 if not self.total else (100 * self.done) // self.total

    def share(self, sentiment: str) -> int:
        return round(100 * self.sentiments[sentiment] / self.analyzed) if self.analyzed else 0


def feedback_progress(organization: Organization) -> FeedbackProgress:
    """Two queries: counts per sentiment (blank: not analyzed), and the pending ones."""
    rows = (
        FeedbackItem.objects.filter(organization=organization)
        .values_list("sentiment")
        .annotate(n=Count("id"), hesitant=Count("id", filter=Q(hesitant=True)))
        .order_by()
    )
    sentiments: dict[str, int] = dict.fromkeys(SENTIMENTS, 0)
    blank = hesitant = 0
    for sentiment, n, hesitant_n in rows:
        hesitant += hesitant_n
        if sentiment:
            sentiments[sentiment] = n
        else:
            blank = n
    pending = FeedbackItem.objects.filter(
        organization=organization, analyzed_at__isnull=True
    ).count()
    return FeedbackProgress(
        analyzed=sum(sentiments.values()),
        pending=pending,
        failed=blank - pending,
        sentiments=sentiments,
        hesitant=hesitant,
    )


def list_feedback(
    organization: Organization,
    *,
    channel: str | None = None,
    sentiment: str | None = None,
    hesitant: bool | None = None,
) -> QuerySet[FeedbackItem]:
    """The organization's items, newest first, with their customer and their survey's trust
    mode (`trust_mode`, None for items not from a survey). A trustee survey's items are left
    out until the survey has its minimum group of responses (docs/user/trust.md)."""
    items = FeedbackItem.objects.filter(organization=organization).alias(response_uid=uid_of_item())
    items = items.filter(~is_held_back(organization.pk))
    if channel:
        items = items.filter(channel=channel)
    if sentiment:
        items = items.filter(sentiment=sentiment)
    if hesitant is not None:
        items = items.filter(hesitant=hesitant)
    response = Response.objects.filter(organization=organization, uid=OuterRef("response_uid"))
    return (
        items.annotate(trust_mode=Subquery(response.values("survey__trust_mode")[:1]))
        .select_related("customer")
        .order_by("-received_at", "-id")
    )


def items_of_answers(answers: Sequence[Answer]) -> dict[int, FeedbackItem]:
    """answer id -> the feedback item its words became (one query; answers need `response`
    and `question` loaded). An answer whose item is not written yet is missing."""
    if not answers:
        return {}
    keys = {source_key(a.response, a.question.key): a.pk for a in answers}
    organization_id = answers[0].response.organization_id
    items = FeedbackItem.objects.filter(organization_id=organization_id, source_key__in=keys)
    return {keys[item.source_key]: item for item in items}
