"""Staff link survey comments, tickets and reviews to an idea: by hand, or by accepting a
suggestion (the items most similar to the idea, by embedding, else by words)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q

from earful.accounts.models import Member
from earful.feedback.models import Channel, FeedbackItem
from earful.ideas.models import Idea, IdeaLink, IdeaVector
from earful.ideas.services.board import recompute_demand
from earful.ideas.services.errors import IdeasInvalid
from earful.ideas.text import keywords
from earful.insights.models import ItemEmbedding, bytes_vector

SUGGEST_FROM = 5000  # the latest items with an embedding compared with the idea
SUGGEST_THRESHOLD = 0.4


@dataclass(frozen=True)
class Suggestion:
    item: FeedbackItem
    score: float


def link_items(
    *, idea: Idea, item_ids: list[int], member: Member | None, from_suggestion: bool = False
) -> int:
    """Links the organization's items (not ideas themselves) to the idea; an item linked
    already is left as it is. Returns how many links are new."""
    items = list(
        FeedbackItem.objects.filter(organization_id=idea.organization_id, pk__in=item_ids)
        .exclude(channel=Channel.IDEA)
        .values_list("pk", flat=True)
    )
    missing = sorted(set(item_ids) - set(items))
    if missing:
        raise IdeasInvalid([("item_ids", f"no such item to link: {missing[:5]}")], status=404)
    added = 0
    for item_id in items:
        try:
            with transaction.atomic():
                IdeaLink.objects.create(
                    organization_id=idea.organization_id,
                    idea=idea,
                    item_id=item_id,
                    linked_by=member,
                    from_suggestion=from_suggestion,
                )
            added += 1
        except IntegrityError:
            continue
    recompute_demand(idea=idea)
    return added


def unlink_item(*, idea: Idea, item_id: int) -> bool:
    deleted, _ = IdeaLink.objects.filter(idea=idea, item_id=item_id).delete()
    recompute_demand(idea=idea)
    return bool(deleted)


def _unlinked(idea: Idea):  # type: ignore[no-untyped-def]
    linked = IdeaLink.objects.filter(idea=idea).values("item_id")
    return (
        FeedbackItem.objects.filter(organization_id=idea.organization_id)
        .exclude(channel=Channel.IDEA)
        .exclude(pk__in=linked)
    )


def suggest_links(*, idea: Idea, limit: int = 10) -> list[Suggestion]:
    """Items that seem to ask for the idea, most similar first."""
    stored = IdeaVector.objects.filter(idea=idea).values_list("vector", flat=True).first()
    if stored is not None:
        query = bytes_vector(stored)
        rows = list(
            ItemEmbedding.objects.filter(item__in=_unlinked(idea))
            .order_by("-item_id")
            .values_list("item_id", "vector")[:SUGGEST_FROM]
        )
        if rows:
            matrix = np.vstack([bytes_vector(v) for _, v in rows])
            scores = matrix @ query
            top = [i for i in np.argsort(-scores)[:limit] if scores[i] >= SUGGEST_THRESHOLD]
            by_id = FeedbackItem.objects.in_bulk([rows[i][0] for i in top])
            return [Suggestion(by_id[rows[i][0]], float(scores[i])) for i in top]
    words = keywords(idea.title)
    if not words:
        return []
    match = Q()
    for word in words:
        match |= Q(text__icontains=word)
    items = list(_unlinked(idea).filter(match).order_by("-received_at")[: limit * 5])
    scored = [(sum(w in item.text.lower() for w in words) / len(words), item) for item in items]
    scored.sort(key=lambda pair: -pair[0])
    return [Suggestion(item, score) for score, item in scored[:limit] if score >= 0.5]
