"""People's edits of themes: rename, merge, split. Each survives the next `refresh_themes`
(see services/themes.py: matched themes keep their rename, merged ones pass their items on,
split ones pass them to their parts)."""

from __future__ import annotations

import numpy as np
from django.db import transaction

from earful.feedback.models import FeedbackItem
from earful.insights.models import ItemTheme, Theme, ThemeStatus, vector_bytes
from earful.insights.services.embeddings import item_embeddings
from earful.insights.services.themes import choose_examples, recount
from earful.insights.themes import Theme as FoundTheme
from earful.insights.themes import discover_themes

MAX_LABEL = 200
MAX_PARTS = 10


class ThemeEditInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def rename_theme(*, theme: Theme, label: str) -> Theme:
    """Names the theme `label` for everyone; a blank label goes back to the generated one."""
    label = " ".join(label.split())
    if len(label) > MAX_LABEL:
        raise ThemeEditInvalid("label", f"at most {MAX_LABEL} characters")
    theme.user_label = label
    theme.save(update_fields=["user_label", "updated_at"])
    return theme


def merge_themes(*, theme: Theme, into: Theme) -> Theme:
    """Moves `theme`'s items into `into`; texts that would have joined `theme` join `into`
    from now on. Returns `into` with its new size."""
    if into.organization_id != theme.organization_id:
        raise ThemeEditInvalid("into", "not found")
    if into.pk == theme.pk:
        raise ThemeEditInvalid("into", "a theme cannot be merged into itself")
    for field, each in (("id", theme), ("into", into)):
        if each.status != ThemeStatus.ACTIVE:
            raise ThemeEditInvalid(field, f"theme {each.pk} is {each.status}, not active")
    with transaction.atomic():
        theme.status, theme.merged_into = ThemeStatus.MERGED, into
        theme.save(update_fields=["status", "merged_into", "updated_at"])
        Theme.objects.filter(merged_into=theme).update(merged_into=into)
        ItemTheme.objects.filter(theme=theme).update(theme=into)
        recount(theme.organization)
    into.refresh_from_db()
    return into


def split_theme(*, theme: Theme, into: int = 2) -> list[Theme]:
    """Splits the theme's items into `into` new themes found the same way as all themes
    (named by what sets them apart from each other). The theme itself stops being shown;
    texts that would have joined it join the nearest part from now on."""
    if theme.status != ThemeStatus.ACTIVE:
        raise ThemeEditInvalid("id", f"theme {theme.pk} is {theme.status}, not active")
    if not 2 <= into <= MAX_PARTS:
        raise ThemeEditInvalid("into", f"between 2 and {MAX_PARTS}")
    items = list(
        FeedbackItem.objects.filter(theme_link__theme=theme).only("id", "text").order_by("id")
    )
    if len(items) < 2 * into:
        raise ThemeEditInvalid("into", f"{len(items)} items cannot make {into} themes")
    vectors = item_embeddings(items=items)
    found = discover_themes([i.text for i in items], vectors, n_themes=into, min_size=1)
    if len(found.themes) < 2:
        raise ThemeEditInvalid("into", "these items do not split into different themes")
    with transaction.atomic():
        parts = [_part(theme, part) for part in found.themes]
        nearest = np.argmax(vectors @ np.vstack([p.vector for p in parts]).T, axis=1)
        for index, part in enumerate(parts):
            ids = [item.pk for item, k in zip(items, nearest, strict=True) if k == index]
            ItemTheme.objects.filter(item_id__in=ids).update(theme=part)
        choose_examples(items, [parts[k] for k in nearest], vectors)
        theme.status = ThemeStatus.SPLIT
        theme.save(update_fields=["status", "updated_at"])
        recount(theme.organization)
    return [Theme.objects.get(pk=part.pk) for part in parts]


def _part(theme: Theme, found: FoundTheme) -> Theme:
    return Theme.objects.create(
        organization_id=theme.organization_id,
        label=found.label[:MAX_LABEL],
        keyphrases=list(found.keyphrases),
        centroid=vector_bytes(found.centroid),
        threshold=float(found.threshold),
        split_from=theme,
        created_by_user=True,
    )
