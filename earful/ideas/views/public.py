"""The board's public pages at /b/<org-slug>/: ideas, one idea, posting with similar ideas
shown while typing (htmx), votes, follows, comments, the roadmap and the changelog; the public
results (/r/<id>/) and prize draw (/d/<id>/) pages. Every form works without JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from earful.accounts.models import Organization
from earful.core.ratelimit import client_address
from earful.customers.models import Customer
from earful.ideas import identity, selectors
from earful.ideas.models import DrawState, Status
from earful.ideas.services import board, draws, guards, identifying, releasing, results
from earful.ideas.services.errors import IdeasInvalid
from earful.ideas.services.similarity import similar_ideas


def _visitor(request: HttpRequest, organization: Organization) -> Customer | None:
    """The board's customer: a signed `who` link signs them in, the session remembers."""
    signed = request.GET.get("who", "")
    if signed and (found := identity.unsign_who(signed, organization_id=organization.pk)):
        identity.remember(request, organization_id=organization.pk, customer_id=found)
    customer_id = identity.remembered(request, organization_id=organization.pk)
    return selectors.board_customer(organization, customer_id)


def _context(request: HttpRequest, organization: Organization, **more: object) -> dict:
    return {"organization": organization, "visitor": _visitor(request, organization), **more}


def _refused(
    request: HttpRequest, template: str, context: dict[str, object], exc: IdeasInvalid
) -> HttpResponse:
    context["errors"] = exc.errors
    return render(request, template, context, status=exc.status)


def board_page(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_by_slug(slug)
    visitor = _visitor(request, organization)
    status, sort = request.GET.get("status", ""), request.GET.get("sort", "top")
    ideas = selectors.board_ideas(
        organization, status=status, sort=sort, query=request.GET.get("q", "")[:100]
    )
    ideas = selectors.with_viewer(ideas, visitor.pk if visitor else None)
    context = {
        "organization": organization,
        "visitor": visitor,
        "ideas": ideas[:100],
        "status": status,
        "sort": sort,
        "statuses": [s for s in Status.choices if s[0] != Status.DUPLICATE],
        "intro": board.board_for(organization).intro,
    }
    return render(request, "ideas/board.html", context)


def similar(request: HttpRequest, slug: str) -> HttpResponse:
    """The htmx partial under the title field: ideas like the one being typed."""
    organization = selectors.organization_by_slug(slug)
    found = similar_ideas(organization.pk, request.GET.get("title", ""))
    rows = selectors.similar_rows(organization, found)
    return render(request, "ideas/_similar.html", {"organization": organization, "rows": rows})


def new_idea(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_by_slug(slug)
    visitor = _visitor(request, organization)
    context = _context(request, organization, title=request.GET.get("title", ""), description="")
    if request.method != "POST" or visitor is None:
        if request.GET.get("title"):
            found = similar_ideas(organization.pk, request.GET["title"])
            context["rows"] = selectors.similar_rows(organization, found)
        return render(request, "ideas/new.html", context)
    context.update(
        title=request.POST.get("title", ""), description=request.POST.get("description", "")
    )
    try:
        guards.check_rate("post", guards.POSTS, f"customer:{visitor.pk}")
        guards.check_rate("post-address", guards.POSTS_PER_ADDRESS, client_address(request))
        idea = board.post_idea(
            organization=organization,
            author=visitor,
            title=context["title"],
            description=context["description"],
            honeypot=request.POST.get("website", ""),
        )
    except IdeasInvalid as exc:
        return _refused(request, "ideas/new.html", context, exc)
    return redirect("ideas_public:idea", slug=slug, idea_id=idea.pk)


def idea_page(request: HttpRequest, slug: str, idea_id: int) -> HttpResponse:
    organization = selectors.organization_by_slug(slug)
    idea = selectors.public_idea(organization, idea_id)
    if idea.merged_into_id:
        return redirect("ideas_public:idea", slug=slug, idea_id=idea.merged_into_id)
    visitor = _visitor(request, organization)
    context = {
        "organization": organization,
        "visitor": visitor,
        "idea": idea,
        "comments": selectors.visible_comments(idea),
        **selectors.viewer_state(idea, visitor.pk if visitor else None),
    }
    return render(request, "ideas/idea.html", context)


def _act(request: HttpRequest, slug: str, idea_id: int, action: str) -> HttpResponse:
    organization = selectors.organization_by_slug(slug)
    idea = selectors.public_idea(organization, idea_id)
    visitor = _visitor(request, organization)
    if visitor is None:
        return redirect(f"/b/{slug}/sign-in/?next=/b/{slug}/ideas/{idea.pk}/")
    undo = request.POST.get("undo") == "1"
    try:
        if action == "comment":
            guards.check_rate("post", guards.POSTS, f"customer:{visitor.pk}")
            board.add_comment(idea=idea, customer=visitor, text=request.POST.get("text", ""))
        else:
            guards.check_rate(
                "vote", guards.VOTES, f"customer:{visitor.pk}", client_address(request)
            )
            if action == "vote" and undo:
                board.withdraw_vote(idea=idea, customer=visitor)
            elif action == "vote":
                board.cast_vote(idea=idea, customer=visitor)
            else:
                board.follow_idea(idea=idea, customer=visitor, follow=not undo)
    except IdeasInvalid as exc:
        context: dict[str, object] = {"organization": organization, "visitor": visitor}
        context |= {"idea": idea, "comments": selectors.visible_comments(idea)}
        context |= selectors.viewer_state(idea, visitor.pk)
        return _refused(request, "ideas/idea.html", context, exc)
    return redirect("ideas_public:idea", slug=slug, idea_id=idea.pk)


@require_POST
def vote(request: HttpRequest, slug: str, idea_id: int) -> HttpResponse:
    return _act(request, slug, idea_id, "vote")


@require_POST
def follow(request: HttpRequest, slug: str, idea_id: int) -> HttpResponse:
    return _act(request, slug, idea_id, "follow")


@require_POST
def comment(request: HttpRequest, slug: str, idea_id: int) -> HttpResponse:
    return _act(request, slug, idea_id, "comment")


def sign_in(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_by_slug(slug)
    next_path = request.POST.get("next") or request.GET.get("next", "")
    context = _context(request, organization, next=next_path, email="")
    if request.method != "POST":
        return render(request, "ideas/sign_in.html", context)
    context["email"] = email = request.POST.get("email", "")
    try:
        guards.check_rate("confirm", guards.CONFIRMATIONS, client_address(request), email.lower())
        identifying.request_email_confirmation(
            organization=organization, email=email, next_path=next_path
        )
    except IdeasInvalid as exc:
        return _refused(request, "ideas/sign_in.html", context, exc)
    return render(request, "ideas/sign_in.html", {**context, "sent": True})


def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links; only a person presses it), POST signs in."""
    organization = selectors.organization_by_slug(slug)
    context = {"organization": organization, "token": token, "next": request.GET.get("next", "")}
    if request.method != "POST":
        return render(request, "ideas/confirm.html", context)
    try:
        customer = identifying.confirm_email(organization=organization, token=token)
    except IdeasInvalid as exc:
        return _refused(request, "ideas/confirm.html", context, exc)
    identity.remember(request, organization_id=organization.pk, customer_id=customer.pk)
    next_path = request.POST.get("next", "")
    return redirect(next_path if next_path.startswith(f"/b/{slug}/") else f"/b/{slug}/")


@require_POST
def sign_out(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_by_slug(slug)
    identity.forget(request, organization_id=organization.pk)
    return redirect("ideas_public:board", slug=slug)


def roadmap(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_by_slug(slug)
    columns = selectors.roadmap(organization)
    labels = dict(Status.choices)
    context = _context(
        request, organization, columns=[(labels[s], ideas) for s, ideas in columns.items()]
    )
    return render(request, "ideas/roadmap.html", context)


def changelog(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_by_slug(slug)
    context = _context(request, organization, notes=selectors.changelog(organization)[:100])
    return render(request, "ideas/changelog.html", context)


def unsubscribe(request: HttpRequest, slug: str, value: str) -> HttpResponse:
    """One click (RFC 8058 POST) or the button on the page: no more messages."""
    organization = selectors.organization_by_slug(slug)
    customer_id = identity.unsign_unsubscribe(value, organization_id=organization.pk)
    customer = selectors.board_customer(organization, customer_id)
    if customer is None:
        return render(
            request,
            "ideas/unsubscribe.html",
            {"organization": organization, "bad": True},
            status=404,
        )
    if request.method == "POST":
        releasing.unsubscribe_from_board(customer=customer)
        return render(
            request, "ideas/unsubscribe.html", {"organization": organization, "done": True}
        )
    return render(request, "ideas/unsubscribe.html", {"organization": organization})


def results_page(request: HttpRequest, public_id: str) -> HttpResponse:
    page = selectors.published_results(public_id)
    shown = results.public_results(page)
    context = {"page": page, "results": shown, "organization": page.survey.organization}
    return render(request, "ideas/results.html", context)


def draw_page(request: HttpRequest, public_id: str) -> HttpResponse:
    draw = selectors.public_draw(public_id)
    context = {
        "draw": draw,
        "record": draws.public_record(draw),
        "organization": draw.survey.organization,
        "open": draw.state == DrawState.OPEN,
    }
    if request.method == "POST" and draw.state == DrawState.OPEN:
        try:
            guards.check_rate("entry", guards.ENTRIES, client_address(request))
            context["entry"] = draws.enter_free(draw=draw, email=request.POST.get("email", ""))
        except IdeasInvalid as exc:
            return _refused(request, "ideas/draw.html", context, exc)
    return render(request, "ideas/draw.html", context)


def draw_json(request: HttpRequest, public_id: str) -> JsonResponse:
    return JsonResponse(draws.public_record(selectors.public_draw(public_id)))
