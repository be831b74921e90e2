"""Reads of themes: the list with example texts, one theme with an access check."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from earful.accounts.models import Member, Organization
from earful.feedback.models import FeedbackItem
from earful.insights.models import ItemTheme, Theme, ThemeStatus


@dataclass(frozen=True)
class ThemeCard:
    theme: Theme
    examples: list[FeedbackItem]


def access_theme(member: Member, theme_id: int) -> Theme:
    """The member's organization's theme; 404 for another organization's."""
    return get_object_or_404(Theme, pk=theme_id, organization=member.organization)


def list_themes(organization: Organization) -> list[ThemeCard]:
    """Active themes, largest first, each with its example items (two queries in all)."""
    themes = list(
        Theme.objects.filter(organization=organization, status=ThemeStatus.ACTIVE).order_by(
            "-size", "id"
        )
    )
    wanted = {item_id for theme in themes for item_id in theme.examples}
    from earful.insights.selectors_comments import without_held_back

    items = without_held_back(
        FeedbackItem.objects.filter(organization=organization, pk__in=wanted), organization.pk
    ).only("id", "text", "channel", "received_at")
    by_id = {item.pk: item for item in items}
    return [ThemeCard(theme, [by_id[i] for i in theme.examples if i in by_id]) for theme in themes]


def emerging_count(organization: Organization) -> int:
    """Items that fit no theme (new/emerging)."""
    return ItemTheme.objects.filter(organization=organization, theme__isnull=True).count()
