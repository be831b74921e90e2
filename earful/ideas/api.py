"""/api/v1/ideas (staff, with a token) and /api/v1/public/boards, /public/results,
/public/draws (anyone). The pages call the same services. Another organization's ids: 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut
from earful.core.ratelimit import client_address
from earful.ideas import identity, selectors
from earful.ideas.models import Idea, ReleaseNote, ResultsPage
from earful.ideas.schemas import (
    BeaconIn,
    DrawIn,
    IdeaOut,
    IdeaPatch,
    LinkedItemOut,
    LinkIn,
    MergeIn,
    NewIdeaIn,
    PublicIdeaOut,
    PublicResultsOut,
    ReleaseNoteOut,
    ResultsIn,
    ResultsSettingsOut,
    ShipIn,
    SimilarOut,
    SuggestionOut,
    VoteOut,
    WhoIn,
)
from earful.ideas.services import board, draws, guards, linking, releasing, results
from earful.ideas.services.errors import IdeasInvalid
from earful.ideas.services.similarity import similar_ideas

router = Router(tags=["ideas"])
public_router = Router(tags=["ideas (public)"])
EDIT = Permission.EDIT_SURVEYS
READ = Permission.VIEW_DASHBOARDS
ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _invalid(exc: IdeasInvalid) -> ApiInvalid:
    return ApiInvalid(exc.errors, status=exc.status)


@router.get("", response=list[IdeaOut])
def list_ideas(
    request: HttpRequest, status: str = "", theme: int | None = None, show: str = ""
) -> list[Idea]:
    """Ideas by demand; `theme`: those whose feedback item is in the theme; `show`: moderated
    (hidden and spam) or all (merged too)."""
    member = api_member(request, READ)
    return list(
        selectors.staff_ideas(member.organization, status=status, theme=theme, show=show)[:500]
    )


@router.get("/{idea_id}", response=IdeaOut)
def get_idea(request: HttpRequest, idea_id: int) -> Idea:
    return selectors.access_idea(api_member(request, READ), idea_id)


@router.patch("/{idea_id}", response={200: IdeaOut, **ERRORS})
def update_idea(request: HttpRequest, idea_id: int, payload: IdeaPatch) -> Idea:
    """Status (with an optional response shown on the idea) and moderation flags."""
    idea = selectors.access_idea(api_member(request, EDIT), idea_id)
    try:
        if payload.status is not None or payload.staff_response is not None:
            status = payload.status or idea.status
            board.set_status(idea=idea, status=status, staff_response=payload.staff_response)
        board.moderate_idea(
            idea=idea, hidden=payload.hidden, locked=payload.locked, spam=payload.spam
        )
    except IdeasInvalid as exc:
        raise _invalid(exc) from exc
    return idea


@router.post("/{idea_id}/merge", response={200: IdeaOut, **ERRORS})
def merge_idea(request: HttpRequest, idea_id: int, payload: MergeIn) -> Idea:
    """Merges this idea into `into`; returns `into` with the votes (one per person) moved."""
    member = api_member(request, EDIT)
    duplicate = selectors.access_idea(member, idea_id)
    into = selectors.access_idea(member, payload.into)
    try:
        return board.merge_ideas(duplicate=duplicate, into=into)
    except IdeasInvalid as exc:
        raise _invalid(exc) from exc


@router.get("/{idea_id}/links", response=list[LinkedItemOut])
def list_links(request: HttpRequest, idea_id: int) -> list[Any]:
    return list(selectors.linked_items(selectors.access_idea(api_member(request, READ), idea_id)))


@router.post("/{idea_id}/links", response={200: IdeaOut, **ERRORS})
def add_links(request: HttpRequest, idea_id: int, payload: LinkIn) -> Idea:
    member = api_member(request, EDIT)
    idea = selectors.access_idea(member, idea_id)
    try:
        linking.link_items(
            idea=idea,
            item_ids=payload.item_ids,
            member=member,
            from_suggestion=payload.from_suggestion,
        )
    except IdeasInvalid as exc:
        raise _invalid(exc) from exc
    idea.refresh_from_db()
    return idea


@router.delete("/{idea_id}/links/{item_id}", response={204: None})
def remove_link(request: HttpRequest, idea_id: int, item_id: int) -> tuple[int, None]:
    idea = selectors.access_idea(api_member(request, EDIT), idea_id)
    linking.unlink_item(idea=idea, item_id=item_id)
    return 204, None


@router.get("/{idea_id}/link-suggestions", response=list[SuggestionOut])
def link_suggestions(request: HttpRequest, idea_id: int) -> list[Any]:
    """Survey comments, tickets and reviews that seem to ask for the idea."""
    return linking.suggest_links(idea=selectors.access_idea(api_member(request, READ), idea_id))


@router.post("/{idea_id}/ship", response={201: ReleaseNoteOut, **ERRORS})
def ship(request: HttpRequest, idea_id: int, payload: ShipIn) -> tuple[int, ReleaseNote]:
    """Marks the idea shipped and sends its release note once to everyone who asked, within
    the contact budget; `deliveries` says, per person, queued / deferred / skipped and why."""
    member = api_member(request, EDIT)
    idea = selectors.access_idea(member, idea_id)
    try:
        note = releasing.ship_idea(
            idea=idea,
            subject=payload.subject,
            body=payload.body,
            member=member,
            translations=payload.translations,
            staff_response=payload.staff_response,
        )
    except IdeasInvalid as exc:
        raise _invalid(exc) from exc
    return 201, note


@router.get("/{idea_id}/release-note", response={200: ReleaseNoteOut, 404: ErrorOut})
def release_note(request: HttpRequest, idea_id: int) -> ReleaseNote:
    idea = selectors.access_idea(api_member(request, READ), idea_id)
    note = ReleaseNote.objects.filter(idea=idea).first()
    if note is None:
        raise ApiInvalid([("idea", "not shipped with a release note")], status=404)
    return note


@router.put("/results/{survey_id}", response={200: ResultsSettingsOut, **ERRORS})
def set_results(request: HttpRequest, survey_id: int, payload: ResultsIn) -> ResultsPage:
    """Publishes (or not) the survey's results page at /r/<public_id>/, fields by choice."""
    survey = selectors.access_survey(api_member(request, EDIT), survey_id)
    try:
        return results.configure_results(survey=survey, **payload.dict())
    except IdeasInvalid as exc:
        raise _invalid(exc) from exc


@router.post("/draws/{survey_id}", response={201: dict[str, Any], **ERRORS})
def set_up_draw(request: HttpRequest, survey_id: int, payload: DrawIn) -> tuple[int, Any]:
    """A verifiable draw; a reward tied to answers or reviews is refused with the reason."""
    survey = selectors.access_survey(api_member(request, EDIT), survey_id)
    try:
        draw = draws.set_up_draw(survey=survey, **payload.dict())
    except IdeasInvalid as exc:
        raise _invalid(exc) from exc
    return 201, {"public_id": draw.public_id, **draws.public_record(draw)}


@router.get("/draws/{survey_id}", response=dict[str, Any])
def get_draw(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    draw = selectors.access_draw(api_member(request, READ), survey_id)
    winner = draws.winning_entry(draw)
    return {
        "public_id": draw.public_id,
        "winner_code": winner.code if winner else None,
        **draws.public_record(draw),
    }


@router.post("/draws/{survey_id}/commit", response={200: dict[str, Any], **ERRORS})
def commit_draw(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    draw = selectors.access_draw(api_member(request, EDIT), survey_id)
    try:
        return draws.public_record(draws.commit_draw(draw=draw))
    except IdeasInvalid as exc:
        raise _invalid(exc) from exc


@router.post("/draws/{survey_id}/draw", response={200: dict[str, Any], **ERRORS})
def run_draw(request: HttpRequest, survey_id: int, payload: BeaconIn) -> dict[str, Any]:
    draw = selectors.access_draw(api_member(request, EDIT), survey_id)
    try:
        return draws.public_record(draws.run_draw(draw=draw, beacon_value=payload.beacon_value))
    except IdeasInvalid as exc:
        raise _invalid(exc) from exc


# Public


@public_router.get("/boards/{slug}/ideas", response=list[PublicIdeaOut])
def board_ideas(request: HttpRequest, slug: str, status: str = "", sort: str = "top") -> list[Idea]:
    organization = selectors.organization_by_slug(slug)
    return list(selectors.board_ideas(organization, status=status, sort=sort)[:200])


@public_router.get("/boards/{slug}/similar", response=list[SimilarOut])
def similar(request: HttpRequest, slug: str, title: str = "") -> list[dict[str, Any]]:
    """Ideas like the title being typed (embedding similarity, else title words)."""
    organization = selectors.organization_by_slug(slug)
    rows = selectors.similar_rows(organization, similar_ideas(organization.pk, title))
    return [
        {**PublicIdeaOut.from_orm(idea).dict(), "score": found.score, "how": found.how}
        for idea, found in rows
    ]


def _customer(slug: str, who: str):  # type: ignore[no-untyped-def]
    organization = selectors.organization_by_slug(slug)
    customer_id = identity.unsign_who(who, organization_id=organization.pk)
    customer = selectors.board_customer(organization, customer_id)
    if customer is None:
        raise ApiInvalid([("who", "sign the customer with the board link's `who` value")], 401)
    return organization, customer


@public_router.post("/boards/{slug}/ideas", response={201: PublicIdeaOut, 401: ErrorOut, **ERRORS})
def post_idea(request: HttpRequest, slug: str, payload: NewIdeaIn) -> tuple[int, Idea]:
    organization, customer = _customer(slug, payload.who)
    try:
        guards.check_rate("post", guards.POSTS, f"customer:{customer.pk}")
        guards.check_rate("post-address", guards.POSTS_PER_ADDRESS, client_address(request))
        idea = board.post_idea(
            organization=organization,
            author=customer,
            title=payload.title,
            description=payload.description,
        )
    except IdeasInvalid as exc:
        raise _invalid(exc) from exc
    return 201, idea


@public_router.post(
    "/boards/{slug}/ideas/{idea_id}/votes", response={200: VoteOut, 401: ErrorOut, **ERRORS}
)
def vote(request: HttpRequest, slug: str, idea_id: int, payload: WhoIn) -> dict[str, Any]:
    """One vote per person: a repeat answers `added: false` and changes nothing."""
    organization, customer = _customer(slug, payload.who)
    idea = selectors.public_idea(organization, idea_id)
    try:
        guards.check_rate("vote", guards.VOTES, f"customer:{customer.pk}")
        added = board.cast_vote(idea=idea, customer=customer)
    except IdeasInvalid as exc:
        raise _invalid(exc) from exc
    idea.refresh_from_db()
    return {"added": added, "vote_count": idea.vote_count}


@public_router.get("/boards/{slug}/roadmap", response=dict[str, list[PublicIdeaOut]])
def roadmap(request: HttpRequest, slug: str) -> dict[str, list[Idea]]:
    return selectors.roadmap(selectors.organization_by_slug(slug))


@public_router.get("/boards/{slug}/changelog", response=list[dict[str, Any]])
def changelog(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    notes = selectors.changelog(selectors.organization_by_slug(slug))[:100]
    return [
        {
            "idea": n.idea_id,
            "title": n.idea.title,
            "subject": n.subject,
            "body": n.body,
            "sent_at": n.sent_at.isoformat(),
        }
        for n in notes
    ]


@public_router.get("/results/{public_id}", response=PublicResultsOut)
def public_results(request: HttpRequest, public_id: str) -> Any:
    return results.public_results(selectors.published_results(public_id))


@public_router.get("/draws/{public_id}", response=dict[str, Any])
def public_draw(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """The record `verify_draw.py` checks (the same as /d/<public_id>/draw.json)."""
    return draws.public_record(selectors.public_draw(public_id))
