from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut, Id
from earful.feedback.models import FeedbackItem
from earful.insights import selectors, selectors_themes
from earful.insights.models import Theme
from earful.insights.schemas import (
    SummaryOut,
    ThemeMergeIn,
    ThemeOut,
    ThemePage,
    ThemeRenameIn,
    ThemeSplitIn,
)
from earful.insights.services import theme_edits
from earful.insights.services.theme_edits import ThemeEditInvalid
from earful.surveys.selectors import access_survey

router = Router(tags=["insights"])


@router.get("/{survey_id}/summary", response=SummaryOut)
def survey_summary(request: HttpRequest, survey_id: Id) -> dict:
    """Responses, the headline score (NPS, CSAT %, CES or rating average) and the three tiers."""
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    summary = selectors.survey_summary(access_survey(member, survey_id))
    return {
        "responses": summary.responses,
        "finished": summary.finished,
        "unfinished": summary.unfinished,
        "score": {"kind": summary.kind, "value": summary.score},
        "tiers": summary.tiers,
        "suppressed": summary.suppressed,
    }


# Themes: /api/v1/themes. Reading needs VIEW_DASHBOARDS; editing (rename, merge, split) the
# analyst's EDIT_SURVEYS, the permission of those who shape what the organization measures.
themes_router = Router(tags=["themes"])


def _theme_out(theme: Theme, examples: list[FeedbackItem] | None = None) -> dict:
    return {
        "id": theme.pk,
        "label": theme.name,
        "generated_label": theme.label,
        "user_label": theme.user_label,
        "keyphrases": theme.keyphrases,
        "size": theme.size,
        "created_by_user": theme.created_by_user,
        "split_from": theme.split_from_id,
        "examples": [{"id": item.pk, "text": item.text} for item in examples or []],
    }


def _edit(request: HttpRequest, theme_id: Id) -> Theme:
    member = api_member(request, Permission.EDIT_SURVEYS)
    return selectors_themes.access_theme(member, theme_id)


def _invalid(exc: ThemeEditInvalid) -> ApiInvalid:
    return ApiInvalid([(exc.field, exc.message)])


@themes_router.get("", response=ThemePage)
def list_themes(request: HttpRequest) -> dict:
    """Active themes, largest first, with example texts; and how many items fit none."""
    member = api_member(request, Permission.VIEW_DASHBOARDS)
    cards = selectors_themes.list_themes(member.organization)
    return {
        "count": len(cards),
        "emerging": selectors_themes.emerging_count(member.organization),
        "items": [_theme_out(card.theme, card.examples) for card in cards],
    }


@themes_router.patch("/{theme_id}", response={200: ThemeOut, 422: ErrorOut})
def rename_theme(request: HttpRequest, theme_id: Id, payload: ThemeRenameIn) -> dict:
    """Renames the theme for everyone; the name survives every refresh. Empty: generated."""
    try:
        theme = theme_edits.rename_theme(theme=_edit(request, theme_id), label=payload.label)
    except ThemeEditInvalid as exc:
        raise _invalid(exc) from exc
    return _theme_out(theme)


@themes_router.post("/{theme_id}/merge", response={200: ThemeOut, 422: ErrorOut})
def merge_theme(request: HttpRequest, theme_id: Id, payload: ThemeMergeIn) -> dict:
    """Merges this theme into `into` (returned); the merge survives every refresh."""
    theme = _edit(request, theme_id)
    into = _edit(request, payload.into)
    try:
        return _theme_out(theme_edits.merge_themes(theme=theme, into=into))
    except ThemeEditInvalid as exc:
        raise _invalid(exc) from exc


@themes_router.post("/{theme_id}/split", response={200: list[ThemeOut], 422: ErrorOut})
def split_theme(request: HttpRequest, theme_id: Id, payload: ThemeSplitIn) -> list[dict]:
    """Splits the theme's items into `into` new themes (returned); survives every refresh."""
    try:
        parts = theme_edits.split_theme(theme=_edit(request, theme_id), into=payload.into)
    except ThemeEditInvalid as exc:
        raise _invalid(exc) from exc
    return [_theme_out(part) for part in parts]
