"""Staff pages under /ideas/: the board's ideas with demand and themes, one idea (status and
response, moderation, merge, links by hand and by suggestion, ship with a release note and
its deliveries), public results settings and the prize draw of a survey."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from earful.accounts.access import member_required
from earful.accounts.models import Member
from earful.accounts.roles import Permission
from earful.ideas import selectors
from earful.ideas.models import Comment, DrawState, ResultsPage, Status
from earful.ideas.services import board, draws, linking, releasing, results
from earful.ideas.services.errors import IdeasInvalid
from earful.insights.models import Theme
from earful.surveys.models import Survey

EDIT = Permission.EDIT_SURVEYS
READ = Permission.VIEW_DASHBOARDS


def _member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@member_required(READ)
def index(request: HttpRequest) -> HttpResponse:
    organization = _member(request).organization
    status, theme = request.GET.get("status", ""), _int(request.GET.get("theme"))
    show = request.GET.get("show", "")
    context = {
        "ideas": selectors.staff_ideas(organization, status=status, theme=theme, show=show)[:200],
        "statuses": Status.choices,
        "status": status,
        "theme": theme,
        "show": show,
        "themes": Theme.objects.filter(organization=organization).order_by("label")[:200],
        "board": board.board_for(organization),
        "can_edit": _member(request).can(EDIT),
        "surveys": Survey.objects.filter(organization=organization).order_by("-id")[:50],
    }
    return render(request, "ideas/staff/index.html", context)


@require_POST
@member_required(EDIT)
def board_settings(request: HttpRequest) -> HttpResponse:
    settings = board.board_for(_member(request).organization)
    settings.intro = request.POST.get("intro", "")[:3000]
    settings.value_attribute = request.POST.get("value_attribute", "").strip()[:60]
    settings.save()
    messages.success(request, "Board settings saved.")
    return redirect("ideas:index")


@member_required(READ)
def idea_admin(request: HttpRequest, idea_id: int) -> HttpResponse:
    return _idea_page(request, selectors.access_idea(_member(request), idea_id))


def _idea_page(request: HttpRequest, idea, errors=None, status: int = 200) -> HttpResponse:  # type: ignore[no-untyped-def]
    note = getattr(idea, "release_note", None) if hasattr(idea, "release_note") else None
    context = {
        "idea": idea,
        "errors": errors or [],
        "statuses": [s for s in Status.choices if s[0] not in (Status.SHIPPED, Status.DUPLICATE)],
        "comments": idea.comments.select_related("customer", "staff__user").order_by("id"),
        "linked": selectors.linked_items(idea)[:200],
        "link_counts": selectors.link_counts(idea),
        "suggestions": linking.suggest_links(idea=idea) if not note else [],
        "note": note,
        "deliveries": selectors.deliveries(note) if note else [],
        "askers": len(releasing.askers(idea)) if not note else None,
        "can_edit": _member(request).can(EDIT),
    }
    return render(request, "ideas/staff/idea.html", context, status=status)


def _edit(request: HttpRequest, idea_id: int, act) -> HttpResponse:  # type: ignore[no-untyped-def]
    idea = selectors.access_idea(_member(request), idea_id)
    try:
        done = act(idea)
    except IdeasInvalid as exc:
        return _idea_page(request, idea, exc.errors, status=exc.status)
    messages.success(request, done)
    return redirect("ideas:idea", idea_id=idea.pk)


@require_POST
@member_required(EDIT)
def idea_status(request: HttpRequest, idea_id: int) -> HttpResponse:
    def act(idea) -> str:  # type: ignore[no-untyped-def]
        board.set_status(
            idea=idea,
            status=request.POST.get("status", ""),
            staff_response=request.POST.get("staff_response", ""),
        )
        return "Status saved."

    return _edit(request, idea_id, act)


@require_POST
@member_required(EDIT)
def idea_moderate(request: HttpRequest, idea_id: int) -> HttpResponse:
    def act(idea) -> str:  # type: ignore[no-untyped-def]
        flag = request.POST.get("flag", "")
        if flag not in ("hidden", "locked", "spam"):
            raise IdeasInvalid([("flag", "hidden, locked or spam")])
        board.moderate_idea(idea=idea, **{flag: request.POST.get("value") == "1"})
        return "Moderation saved."

    return _edit(request, idea_id, act)


@require_POST
@member_required(EDIT)
def idea_merge(request: HttpRequest, idea_id: int) -> HttpResponse:
    member = _member(request)
    into_id = _int(request.POST.get("into"))

    def act(idea) -> str:  # type: ignore[no-untyped-def]
        if into_id is None:
            raise IdeasInvalid([("into", "the number of the idea to merge into")])
        into = selectors.access_idea(member, into_id)
        board.merge_ideas(duplicate=idea, into=into)
        return f"Merged into #{into.pk}: votes, followers, comments and links moved."

    response = _edit(request, idea_id, act)
    return redirect("ideas:idea", idea_id=into_id) if response.status_code == 302 else response


@require_POST
@member_required(EDIT)
def idea_link(request: HttpRequest, idea_id: int) -> HttpResponse:
    member = _member(request)

    def act(idea) -> str:  # type: ignore[no-untyped-def]
        if unlink := _int(request.POST.get("unlink")):
            linking.unlink_item(idea=idea, item_id=unlink)
            return "Link removed."
        raw = (
            request.POST.getlist("item") or request.POST.get("items", "").replace(",", " ").split()
        )
        ids = [int(v) for v in raw if v.strip().isdigit()]
        if not ids:
            raise IdeasInvalid([("items", "item numbers to link")])
        added = linking.link_items(
            idea=idea,
            item_ids=ids,
            member=member,
            from_suggestion=request.POST.get("suggested") == "1",
        )
        return f"{added} item(s) linked."

    return _edit(request, idea_id, act)


@require_POST
@member_required(EDIT)
def idea_ship(request: HttpRequest, idea_id: int) -> HttpResponse:
    member = _member(request)

    def act(idea) -> str:  # type: ignore[no-untyped-def]
        note = releasing.ship_idea(
            idea=idea,
            subject=request.POST.get("subject", ""),
            body=request.POST.get("body", ""),
            member=member,
            staff_response=request.POST.get("staff_response") or None,
        )
        n = note.deliveries.count()
        return f"Shipped. The release note went to the {n} people who asked (see below)."

    return _edit(request, idea_id, act)


@require_POST
@member_required(EDIT)
def comment_hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment, organization_id=_member(request).organization_id, pk=comment_id
    )
    board.moderate_comment(comment=comment, hidden=request.POST.get("value", "1") == "1")
    return redirect("ideas:idea", idea_id=comment.idea_id)


@member_required(EDIT)
def results_settings(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = selectors.access_survey(_member(request), survey_id)
    page = ResultsPage.objects.filter(survey=survey).first()
    errors: list = []
    if request.method == "POST":
        flags = {
            f: request.POST.get(f) == "on"
            for f in ("published", "show_score", "show_tiers", "show_themes")
        }
        try:
            page = results.configure_results(
                survey=survey, changes=request.POST.get("changes", ""), **flags
            )
            messages.success(request, "Results page saved.")
            return redirect("ideas:results", survey_id=survey.pk)
        except IdeasInvalid as exc:
            errors = exc.errors
    shown = results.public_results(page) if page else None
    context = {"survey": survey, "page": page, "shown": shown, "errors": errors}
    return render(request, "ideas/staff/results.html", context, status=422 if errors else 200)


@member_required(EDIT)
def draw_admin(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = selectors.access_survey(_member(request), survey_id)
    draw = getattr(survey, "verifiable_draw", None) if hasattr(survey, "verifiable_draw") else None
    errors: list = []
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "set_up":
                draws.set_up_draw(
                    survey=survey,
                    prize=request.POST.get("prize", ""),
                    beacon_name=request.POST.get("beacon_name", ""),
                    eligibility=request.POST.get("eligibility", draws.EVERYONE),
                )
            elif step == "commit" and draw:
                draws.commit_draw(draw=draw)
            elif step == "draw" and draw:
                draws.run_draw(draw=draw, beacon_value=request.POST.get("beacon_value", ""))
            return redirect("ideas:draw", survey_id=survey.pk)
        except IdeasInvalid as exc:
            errors = exc.errors
    context = {
        "survey": survey,
        "draw": draw,
        "errors": errors,
        "entries": survey.prize_entries.count(),
        "winner": draws.winning_entry(draw) if draw and draw.state == DrawState.DRAWN else None,
        "refused": draws.REFUSED_ELIGIBILITY,
    }
    return render(request, "ideas/staff/draw.html", context, status=422 if errors else 200)
