"""Reads of the ideas app, and access: another organization's objects are 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from earful.accounts.models import Member, Organization
from earful.customers.models import Customer
from earful.feedback.models import FeedbackItem
from earful.ideas.models import (
    ROADMAP,
    Comment,
    Follow,
    Idea,
    IdeaLink,
    PrizeDraw,
    ReleaseDelivery,
    ReleaseNote,
    ResultsPage,
    Status,
    Vote,
)
from earful.ideas.services.similarity import Similar
from earful.surveys.models import Survey

SORTS = {"top": ("-vote_count", "-id"), "new": ("-id",), "demand": ("-demand", "-id")}


def organization_by_slug(slug: str) -> Organization:
    return get_object_or_404(Organization, slug=slug)


def public_ideas(organization: Organization) -> QuerySet[Idea]:
    return Idea.objects.filter(
        organization=organization, hidden=False, spam=False, merged_into=None
    )


def board_ideas(
    organization: Organization, *, status: str = "", sort: str = "top", query: str = ""
) -> QuerySet[Idea]:
    ideas = public_ideas(organization).exclude(status=Status.DUPLICATE)
    if status in Status.values:
        ideas = ideas.filter(status=status)
    if query:
        ideas = ideas.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return ideas.order_by(*SORTS.get(sort, SORTS["top"]))


def with_viewer(ideas: QuerySet[Idea], customer_id: int | None) -> QuerySet[Idea]:
    """Each idea annotated `voted` (by this visitor), in the same query."""
    if customer_id is None:
        return ideas
    return ideas.annotate(
        voted=Exists(Vote.objects.filter(idea=OuterRef("pk"), customer_id=customer_id))
    )


def roadmap(organization: Organization) -> dict[str, list[Idea]]:
    columns: dict[str, list[Idea]] = {status: [] for status in ROADMAP}
    ideas = public_ideas(organization).filter(status__in=ROADMAP)
    for idea in ideas.order_by("-vote_count", "-id")[:300]:
        columns[idea.status].append(idea)
    return columns


def changelog(organization: Organization) -> QuerySet[ReleaseNote]:
    return (
        ReleaseNote.objects.filter(organization=organization, idea__hidden=False)
        .select_related("idea")
        .order_by("-sent_at")
    )


def public_idea(organization: Organization, idea_id: int) -> Idea:
    """A public idea of the board; a merged one leads to where it went (the caller redirects)."""
    idea = Idea.objects.filter(organization=organization, pk=idea_id).first()
    if idea is None or idea.hidden or idea.spam:
        raise Http404("no such idea")
    return idea


def visible_comments(idea: Idea) -> QuerySet[Comment]:
    return (
        idea.comments.filter(hidden=False).select_related("customer", "staff__user").order_by("id")
    )


def viewer_state(idea: Idea, customer_id: int | None) -> dict[str, bool]:
    if customer_id is None:
        return {"voted": False, "following": False}
    return {
        "voted": Vote.objects.filter(idea=idea, customer_id=customer_id).exists(),
        "following": Follow.objects.filter(idea=idea, customer_id=customer_id).exists(),
    }


def board_customer(organization: Organization, customer_id: int | None) -> Customer | None:
    if customer_id is None:
        return None
    return Customer.objects.filter(organization=organization, pk=customer_id).first()


def similar_rows(organization: Organization, found: list[Similar]) -> list[tuple[Idea, Similar]]:
    by_id = Idea.objects.in_bulk([s.idea_id for s in found])
    return [(by_id[s.idea_id], s) for s in found if s.idea_id in by_id]


# Staff


def access_idea(member: Member, idea_id: int) -> Idea:
    return get_object_or_404(Idea, organization_id=member.organization_id, pk=idea_id)


def access_survey(member: Member, survey_id: int) -> Survey:
    return get_object_or_404(Survey, organization_id=member.organization_id, pk=survey_id)


def access_draw(member: Member, survey_id: int) -> PrizeDraw:
    return get_object_or_404(PrizeDraw, organization_id=member.organization_id, survey_id=survey_id)


def staff_ideas(
    organization: Organization, *, status: str = "", theme: int | None = None, show: str = ""
) -> QuerySet[Idea]:
    """Every idea of the organization (moderated ones with `show`), filtered by status and by
    the theme its feedback item is in."""
    ideas = Idea.objects.filter(organization=organization)
    if show == "moderated":
        ideas = ideas.filter(Q(hidden=True) | Q(spam=True))
    elif show != "all":
        ideas = ideas.filter(hidden=False, spam=False, merged_into=None)
    if status in Status.values:
        ideas = ideas.filter(status=status)
    if theme is not None:
        ideas = ideas.filter(feedback_item__theme_link__theme_id=theme)
    return ideas.select_related("author", "feedback_item__theme_link__theme").order_by(
        "-demand", "-vote_count", "-id"
    )


def linked_items(idea: Idea) -> QuerySet[FeedbackItem]:
    ids = IdeaLink.objects.filter(idea=idea).values("item_id")
    return (
        FeedbackItem.objects.filter(pk__in=ids).select_related("customer").order_by("-received_at")
    )


def link_counts(idea: Idea) -> dict[str, int]:
    rows = IdeaLink.objects.filter(idea=idea).values_list("item__channel", flat=True)
    counts: dict[str, int] = {}
    for channel in rows:
        counts[channel] = counts.get(channel, 0) + 1
    return counts


def deliveries(note: ReleaseNote) -> QuerySet[ReleaseDelivery]:
    return note.deliveries.select_related("customer", "message").order_by(
        "state", "customer__email"
    )


def published_results(public_id: str) -> ResultsPage:
    return get_object_or_404(
        ResultsPage.objects.select_related("survey__organization"),
        public_id=public_id,
        published=True,
    )


def public_draw(public_id: str) -> PrizeDraw:
    return get_object_or_404(
        PrizeDraw.objects.select_related("survey__organization"), public_id=public_id
    )


@dataclass(frozen=True)
class ThemeIdeas:
    theme_id: int
    label: str
    ideas: list[Idea]
