"""Writes of the board: ideas, votes, follows, comments, statuses, moderation, merges.

Every idea and comment is also a feedback item (channel `idea`), so enrichment gives it
sentiment and themes like every other voice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.core.text import TextInvalid, clean_text
from earful.customers.models import Customer
from earful.feedback.models import Channel, FeedbackItem
from earful.feedback.services import record_feedback
from earful.ideas.models import (
    Board,
    Comment,
    Follow,
    Idea,
    IdeaLink,
    Status,
    Vote,
)
from earful.ideas.services.errors import IdeasInvalid
from earful.ideas.services.guards import looks_like_spam
from earful.ideas.text import fold

TITLE = (4, 160)
DESCRIPTION_MAX = 5000
COMMENT = (1, 3000)
RESPONSE_MAX = 3000


def board_for(organization: Organization) -> Board:
    board, _ = Board.objects.get_or_create(organization=organization)
    return board


def _edge_text(field: str, text: str) -> str:
    """The text rule every door applies (core.text): no NULs or lone surrogates, NFC."""
    try:
        return clean_text(text or "", field=field)
    except TextInvalid as exc:
        raise IdeasInvalid([(field, exc.reason)]) from exc


def _clean_title(title: str) -> str:
    title = " ".join(_edge_text("title", title).split())
    if not TITLE[0] <= len(title) <= TITLE[1]:
        raise IdeasInvalid([("title", f"between {TITLE[0]} and {TITLE[1]} characters")])
    return title


def _clean_text(field: str, text: str, low: int, high: int) -> str:
    text = _edge_text(field, text).strip()
    if not low <= len(text) <= high:
        what = f"at most {high} characters" if low == 0 else f"between {low} and {high} characters"
        raise IdeasInvalid([(field, what)])
    return text


def _feedback(
    organization_id: int, key: str, customer_id: int | None, text: str, title: str, now: datetime
) -> FeedbackItem | None:
    item = FeedbackItem(
        organization_id=organization_id,
        channel=Channel.IDEA,
        source_key=key,
        customer_id=customer_id,
        title=title[:300],
        text=text,
        received_at=now,
    )
    record_feedback(items=[item])
    return FeedbackItem.objects.filter(organization_id=organization_id, source_key=key).first()


def post_idea(
    *,
    organization: Organization,
    author: Customer | None,
    title: str,
    description: str = "",
    honeypot: str = "",
    now: datetime | None = None,
) -> Idea:
    """A new idea on the board; its author follows it. A filled honeypot or too many links
    keep it as spam (not shown). The same title twice by one author is refused."""
    now = now or timezone.now()
    title = _clean_title(title)
    description = _clean_text("description", description, 0, DESCRIPTION_MAX)
    same = Idea.objects.filter(organization=organization, author=author, title__iexact=title)
    if author is not None and same.exists():
        raise IdeasInvalid([("title", "you already posted this idea")])
    spam = bool(honeypot) or looks_like_spam(title, description)
    with transaction.atomic():
        idea = Idea.objects.create(
            organization=organization,
            author=author,
            title=title,
            description=description,
            spam=spam,
            search_text=fold(title)[:400],
            status_changed_at=now,
        )
        text = f"{title}\n\n{description}".strip()
        item = _feedback(organization.pk, f"idea:{idea.pk}", _id(author), text, title, now)
        Idea.objects.filter(pk=idea.pk).update(feedback_item=item)
        idea.feedback_item = item
        if author is not None:
            Follow.objects.create(idea=idea, customer=author, created_at=now)
            _cast(idea, author, now)
        transaction.on_commit(lambda: _enqueue_embedding(idea.pk))
    idea.refresh_from_db()
    return idea


def bump_vectors(organization_ids: set[int]) -> None:
    from earful.ideas.services.embedding import bump_vectors as bump

    bump(organization_ids)


def _enqueue_embedding(idea_id: int) -> None:
    from earful.ideas.tasks import embed_idea

    embed_idea.enqueue(idea_id)


def _id(customer: Customer | None) -> int | None:
    return customer.pk if customer is not None else None


def _open_for(idea: Idea, what: str) -> None:
    if not idea.public:
        raise IdeasInvalid([("idea", "not found")], status=404)
    if idea.locked:
        raise IdeasInvalid([("idea", f"this idea is locked: no more {what}")], status=409)


def _cast(idea: Idea, customer: Customer, now: datetime) -> bool:
    try:
        with transaction.atomic():
            Vote.objects.create(idea=idea, customer=customer, created_at=now)
    except IntegrityError:
        return False
    Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + 1)
    recompute_demand(idea=idea)
    return True


def cast_vote(*, idea: Idea, customer: Customer, now: datetime | None = None) -> bool:
    """One vote per person (a unique key): True when this call added it, False on a repeat."""
    _open_for(idea, "votes")
    return _cast(idea, customer, now or timezone.now())


def withdraw_vote(*, idea: Idea, customer: Customer) -> bool:
    deleted, _ = Vote.objects.filter(idea=idea, customer=customer).delete()
    if deleted:
        Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") - 1)
        recompute_demand(idea=idea)
    return bool(deleted)


def follow_idea(*, idea: Idea, customer: Customer, follow: bool = True) -> bool:
    """Follow (or stop following) an idea; safe to repeat. Returns whether they follow now."""
    if not follow:
        Follow.objects.filter(idea=idea, customer=customer).delete()
        return False
    _open_for(idea, "follows")
    Follow.objects.get_or_create(
        idea=idea, customer=customer, defaults={"created_at": timezone.now()}
    )
    return True


def add_comment(
    *,
    idea: Idea,
    text: str,
    customer: Customer | None = None,
    staff: Member | None = None,
    now: datetime | None = None,
) -> Comment:
    now = now or timezone.now()
    _open_for(idea, "comments")
    text = _clean_text("text", text, *COMMENT)
    with transaction.atomic():
        comment = Comment.objects.create(
            organization_id=idea.organization_id,
            idea=idea,
            customer=customer,
            staff=staff,
            text=text,
            hidden=staff is None and looks_like_spam(text),
        )
        if staff is None:
            key = f"idea-comment:{comment.pk}"
            item = _feedback(idea.organization_id, key, _id(customer), text, idea.title, now)
            Comment.objects.filter(pk=comment.pk).update(feedback_item=item)
        _count_comments([idea.pk])
        if customer is not None:
            Follow.objects.get_or_create(idea=idea, customer=customer, defaults={"created_at": now})
    return comment


def _count_comments(idea_ids: Iterable[int]) -> None:
    for idea_id in idea_ids:
        n = Comment.objects.filter(idea_id=idea_id, hidden=False).count()
        Idea.objects.filter(pk=idea_id).update(comment_count=n)


def set_status(
    *,
    idea: Idea,
    status: str,
    staff_response: str | None = None,
    now: datetime | None = None,
) -> Idea:
    """The organization moves an idea (open, planned, in progress, declined ...), with an
    optional response shown on the idea. Shipping with a release note is `ship_idea`; a
    duplicate is made by `merge_ideas`."""
    if status not in Status.values:
        raise IdeasInvalid([("status", f"one of {', '.join(Status.values)}")])
    if status == Status.DUPLICATE and not idea.merged_into_id:
        raise IdeasInvalid([("status", "merge the idea into another to mark it a duplicate")])
    if staff_response is not None:
        idea.staff_response = _clean_text("staff_response", staff_response, 0, RESPONSE_MAX)
    if status != idea.status:
        idea.status, idea.status_changed_at = status, now or timezone.now()
    if status == Status.SHIPPED and idea.shipped_at is None:
        idea.shipped_at = idea.status_changed_at
    idea.save(update_fields=["status", "staff_response", "status_changed_at", "shipped_at"])
    return idea


def moderate_idea(
    *,
    idea: Idea,
    hidden: bool | None = None,
    locked: bool | None = None,
    spam: bool | None = None,
) -> Idea:
    for name, value in (("hidden", hidden), ("locked", locked), ("spam", spam)):
        if value is not None:
            setattr(idea, name, value)
    idea.save(update_fields=["hidden", "locked", "spam", "updated_at"])
    bump_vectors({idea.organization_id})
    return idea


def moderate_comment(*, comment: Comment, hidden: bool) -> Comment:
    comment.hidden = hidden
    comment.save(update_fields=["hidden", "updated_at"])
    _count_comments([comment.idea_id])
    return comment


@transaction.atomic
def merge_ideas(*, duplicate: Idea, into: Idea, now: datetime | None = None) -> Idea:
    """Folds `duplicate` into `into`: votes (one per person: a person who voted for both
    keeps one), followers, comments and links move; the duplicate says where it went."""
    if duplicate.pk == into.pk or duplicate.organization_id != into.organization_id:
        raise IdeasInvalid([("into", "another idea of the same board")])
    if into.merged_into_id:
        raise IdeasInvalid([("into", "that idea was itself merged: merge into its target")])
    now = now or timezone.now()
    for model in (Vote, Follow):
        taken = model.objects.filter(idea=into).values("customer_id")
        model.objects.filter(idea=duplicate).exclude(customer_id__in=taken).update(idea=into)
        model.objects.filter(idea=duplicate).delete()
    taken_items = IdeaLink.objects.filter(idea=into).values("item_id")
    IdeaLink.objects.filter(idea=duplicate).exclude(item_id__in=taken_items).update(idea=into)
    IdeaLink.objects.filter(idea=duplicate).delete()
    Comment.objects.filter(idea=duplicate).update(idea=into)
    Idea.objects.filter(merged_into=duplicate).update(merged_into=into)
    duplicate.merged_into, duplicate.status = into, Status.DUPLICATE
    duplicate.status_changed_at, duplicate.vote_count, duplicate.comment_count = now, 0, 0
    duplicate.demand = 0
    duplicate.save()
    bump_vectors({into.organization_id})
    into.vote_count = Vote.objects.filter(idea=into).count()
    into.save(update_fields=["vote_count", "updated_at"])
    _count_comments([into.pk])
    recompute_demand(idea=into)
    into.refresh_from_db()
    return into


def _weight(customer_attributes: object, attribute: str) -> float:
    if not attribute or not isinstance(customer_attributes, dict):
        return 1.0
    try:
        value = float(customer_attributes.get(attribute, 1))
    except (TypeError, ValueError):
        return 1.0
    return value if value >= 0 else 1.0


def recompute_demand(*, idea: Idea) -> float:
    """Demand = the people who asked (voters and the customers of linked items, each once;
    a linked item without a customer counts as one voice), each weighted by the board's
    value attribute when the organization set one."""
    attribute = (
        Board.objects.filter(organization_id=idea.organization_id)
        .values_list("value_attribute", flat=True)
        .first()
        or ""
    )
    voters = set(Vote.objects.filter(idea=idea).values_list("customer_id", flat=True))
    linked = list(IdeaLink.objects.filter(idea=idea).values_list("item__customer_id", flat=True))
    people = voters | {c for c in linked if c is not None}
    anonymous = sum(1 for c in linked if c is None)
    if attribute:
        rows = Customer.objects.filter(pk__in=people).values_list("attributes", flat=True)
        demand = sum(_weight(a, attribute) for a in rows) + anonymous
    else:
        demand = float(len(people) + anonymous)
    Idea.objects.filter(pk=idea.pk).update(demand=demand)
    return demand


def vote_counts(idea_ids: list[int]) -> dict[int, int]:
    rows = Vote.objects.filter(idea_id__in=idea_ids).values("idea_id").annotate(n=Count("id"))
    return {row["idea_id"]: row["n"] for row in rows}
