"""Themes of an organization's feedback: found again by `refresh_themes`, kept up to date by
`assign_items`, and edited by people (services/theme_edits.py).

A refresh re-clusters every item, then matches the clusters found to the themes already
stored, by centroid similarity (one-to-one, at least MATCH_SIMILARITY). A matched theme keeps
its id, its rename and its place in merges and splits; its generated label, centroid and
threshold are renewed. Items go to the theme their cluster matched, then on:
- a theme merged into another passes them to that one (the merge survives);
- a theme split into parts passes each to its nearest part (the split survives);
Clusters that match nothing become new themes; stored themes nobody touched that match
nothing are removed. Items that fit no theme have no theme: they are new/emerging.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from earful.accounts.models import Organization
from earful.feedback.models import FeedbackItem
from earful.insights.models import ItemTheme, Theme, ThemeStatus, vector_bytes
from earful.insights.services.embeddings import item_embeddings
from earful.insights.themes import NO_THEME, ThemeSet, assign, discover_themes
from earful.insights.themes import Theme as FoundTheme

FIRST_THEMES_AT = 50  # analyzed items an organization needs before its themes are first found
REFRESH_AFTER = timedelta(days=7)  # and then found again at most this often ...
REFRESH_GROWTH = 0.1  # ... once this share of its items arrived since the last time,
SOON_GROWTH = 1.0  # or at once when as many items arrived since as there were before
ENQUEUE_QUIET = 600.0  # seconds one process waits before asking again for the same refresh
_asked: dict[int, float] = {}
MATCH_SIMILARITY = 0.8  # a cluster is a stored theme again when their centroids are this close
EXAMPLES = 3
Progress = Callable[[str, int, int], None]  # (step, done, total)


@dataclass
class RefreshReport:
    items: int = 0
    themes: int = 0  # active themes after the refresh
    new_themes: int = 0
    kept_themes: int = 0  # stored themes matched again
    removed_themes: int = 0
    emerging: int = 0  # items that fit no theme


def refresh_themes(
    *, organization: Organization, progress: Progress | None = None
) -> RefreshReport:
    """Finds the organization's themes again over all its items (see the module docstring)."""
    items = list(
        FeedbackItem.objects.filter(organization=organization)
        .exclude(text="")
        .only("id", "text")
        .order_by("id")
    )
    step = (lambda done, total: progress("Embedding texts", done, total)) if progress else None
    vectors = item_embeddings(items=items, progress=step)
    found = discover_themes(
        [item.text for item in items],
        vectors,
        progress=(lambda done, total: progress("Finding themes", done, total))
        if progress
        else None,
    )
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        report = _apply(organization, items, vectors, found)
    return report


def refresh_due_themes(*, now: datetime | None = None) -> int:
    """The worker's sweep: finds the themes of each organization whose themes are due (see
    `themes_due`). New items are assigned as they are analyzed in between. Returns how many
    organizations were refreshed."""
    now = now or timezone.now()
    refreshed = 0
    for organization in Organization.objects.order_by("pk"):
        if themes_due(organization, now=now):
            refresh_themes(organization=organization)
            refreshed += 1
    return refreshed


def themes_due(organization: Organization, *, now: datetime) -> bool:
    """Due when the organization has FIRST_THEMES_AT analyzed items and no themes yet; or when
    the items analyzed since its last refresh are at least FIRST_THEMES_AT and either
    SOON_GROWTH of those before (the volume doubled: the themes found on the first 50 say
    little about the next 5,000) or, once REFRESH_AFTER has passed, REFRESH_GROWTH of all."""
    analyzed = FeedbackItem.objects.filter(organization=organization, analyzed_at__isnull=False)
    last = Theme.objects.filter(organization=organization, created_by_user=False).aggregate(
        last=Max("updated_at")
    )["last"]
    if last is None:
        return analyzed.exclude(sentiment="").count() >= FIRST_THEMES_AT
    total = analyzed.count()
    new = analyzed.filter(Q(analyzed_at__gte=last) | Q(received_at__gte=last)).count()
    if total == 0 or (new < FIRST_THEMES_AT and now - last < REFRESH_AFTER):
        return False
    if new >= SOON_GROWTH * (total - new):
        return True
    return now - last >= REFRESH_AFTER and new >= REFRESH_GROWTH * total


def refresh_themes_if_due(*, organization_id: int) -> int:
    """What the `refresh_organization_themes` task runs: a refresh when the themes are due.
    Returns the active themes after it (0 for an organization that is gone)."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    if themes_due(organization, now=timezone.now()):
        return refresh_themes(organization=organization).themes
    return Theme.objects.filter(organization=organization, status=ThemeStatus.ACTIVE).count()


def request_refresh_when_due(*, organization: Organization) -> bool:
    """After an enrichment batch: enqueues a theme refresh on commit when the organization's
    themes are due, at most once per ENQUEUE_QUIET seconds per process (the task checks
    again; the worker's hourly sweep catches a lost message). Returns whether it asked."""
    clock = time.monotonic()
    if clock - _asked.get(organization.pk, -ENQUEUE_QUIET) < ENQUEUE_QUIET:
        return False
    if not themes_due(organization, now=timezone.now()):
        return False
    _asked[organization.pk] = clock
    from earful.insights import tasks

    organization_id = organization.pk
    transaction.on_commit(lambda: tasks.refresh_organization_themes.enqueue(organization_id))
    return True


def assign_items(*, organization: Organization, items: Sequence[FeedbackItem]) -> int:
    """Gives each item the theme it fits (or none: new/emerging) without re-clustering.
    Returns how many got a theme."""
    items = [item for item in items if item.text.strip()]
    if not items:
        return 0
    vectors = item_embeddings(items=items)
    with transaction.atomic():
        themes = list(Theme.objects.filter(organization=organization))
        labels, similarity = assign(stored_theme_set(themes), vectors)
        resolver = Resolver(themes)
        final = [
            resolver.resolve(int(label), vectors[i]) if label != NO_THEME else None
            for i, label in enumerate(labels)
        ]
        _save_links(organization, items, final, similarity, vectors, replace_all=False)
        recount(organization)
    return sum(theme is not None for theme in final)


def stored_theme_set(themes: Sequence[Theme]) -> ThemeSet:
    """The stored themes (all of them: merged and split ones pass their items on) as a
    ThemeSet whose ids are the themes' primary keys."""
    found = [
        FoundTheme(t.pk, t.name, list(t.keyphrases), [], t.vector, t.size, t.threshold)
        for t in themes
    ]
    return ThemeSet(labels=np.zeros(0, dtype=np.int64), themes=found)


class Resolver:
    """Follows merges and splits from a theme to the active theme an item ends up in."""

    def __init__(self, themes: Sequence[Theme]) -> None:
        self.by_id = {theme.pk: theme for theme in themes}
        self.parts: dict[int, list[Theme]] = {}
        for theme in themes:
            if theme.split_from_id is not None:
                self.parts.setdefault(theme.split_from_id, []).append(theme)

    def resolve(self, theme_id: int, vector: np.ndarray) -> Theme | None:
        theme = self.by_id.get(theme_id)
        for _ in range(len(self.by_id) + 1):
            if theme is None or theme.status == ThemeStatus.ACTIVE:
                return theme
            if theme.status == ThemeStatus.MERGED:
                theme = self.by_id.get(theme.merged_into_id or -1)
            else:
                parts = self.parts.get(theme.pk, [])
                theme = max(parts, key=lambda p: float(p.vector @ vector), default=None)
        return None


def match_themes(found: Sequence[FoundTheme], stored: Sequence[Theme]) -> dict[int, Theme]:
    """found theme id -> stored theme, one-to-one, where the centroids are close enough."""
    from scipy.optimize import linear_sum_assignment  # lazy: the CLI starts fast

    if not found or not stored:
        return {}
    similarity = np.vstack([f.centroid for f in found]) @ np.vstack([s.vector for s in stored]).T
    rows, cols = linear_sum_assignment(-similarity)
    return {
        found[r].id: stored[c]
        for r, c in zip(rows, cols, strict=True)
        if similarity[r, c] >= MATCH_SIMILARITY
    }


def _apply(
    organization: Organization, items: list[FeedbackItem], vectors: np.ndarray, found: ThemeSet
) -> RefreshReport:
    stored = list(Theme.objects.filter(organization=organization))
    matches = match_themes(found.themes, stored)
    doomed = _unused(stored, {theme.pk for theme in matches.values()})
    model_of = {f.id: _renewed(organization, f, matches.get(f.id)) for f in found.themes}
    new = [theme for found_id, theme in model_of.items() if found_id not in matches]
    themes = [theme for theme in stored if theme.pk not in doomed] + new
    resolver = Resolver(themes)
    final: list[Theme | None] = [
        resolver.resolve(model_of[int(label)].pk, vectors[i]) if label != NO_THEME else None
        for i, label in enumerate(found.labels)
    ]
    final = _place_leftovers(final, vectors, themes, resolver)
    similarity = np.array(
        [float(t.vector @ vectors[i]) if t else 0.0 for i, t in enumerate(final)], dtype=np.float32
    )
    _save_links(organization, items, final, similarity, vectors, replace_all=True)
    Theme.objects.filter(pk__in=doomed).delete()
    return RefreshReport(
        items=len(items),
        themes=recount(organization),
        new_themes=len(new),
        kept_themes=len(matches),
        removed_themes=len(doomed),
        emerging=sum(theme is None for theme in final),
    )


def _renewed(organization: Organization, found: FoundTheme, stored: Theme | None) -> Theme:
    """The stored theme with what this refresh found (or a new theme): generated label, key
    phrases, centroid, threshold. A person's rename, status, merge and split stay."""
    theme = stored or Theme(organization=organization)
    theme.label = found.label[:200]
    theme.keyphrases = list(found.keyphrases)
    theme.centroid = vector_bytes(found.centroid)
    theme.threshold = float(found.threshold)
    theme.save()
    return theme


def _place_leftovers(
    final: list[Theme | None], vectors: np.ndarray, themes: list[Theme], resolver: Resolver
) -> list[Theme | None]:
    """Items the clustering left without a theme get one when they fit a stored theme the
    way a new item would (a theme a person made may have no cluster of its own)."""
    left = [i for i, theme in enumerate(final) if theme is None]
    if not left or not themes:
        return final
    labels, _ = assign(stored_theme_set(themes), vectors[left])
    for i, label in zip(left, labels, strict=True):
        if label != NO_THEME:
            final[i] = resolver.resolve(int(label), vectors[i])
    return final


def _save_links(
    organization: Organization,
    items: Sequence[FeedbackItem],
    final: Sequence[Theme | None],
    similarity: np.ndarray,
    vectors: np.ndarray,
    *,
    replace_all: bool,
) -> None:
    links = ItemTheme.objects.filter(organization=organization)
    if not replace_all:
        links = links.filter(item__in=[item.pk for item in items])
    links.delete()
    ItemTheme.objects.bulk_create(
        [
            ItemTheme(
                organization=organization,
                item_id=item.pk,
                theme=final[i],
                similarity=float(similarity[i]) if final[i] else 0.0,
            )
            for i, item in enumerate(items)
        ],
        batch_size=500,
    )
    choose_examples(items, final, vectors)


def choose_examples(
    items: Sequence[FeedbackItem], final: Sequence[Theme | None], vectors: np.ndarray
) -> None:
    """Each theme that got items here: the EXAMPLES items nearest its centroid."""
    rows_of: dict[int, list[int]] = {}
    for i, theme in enumerate(final):
        if theme is not None:
            rows_of.setdefault(theme.pk, []).append(i)
    by_pk = {theme.pk: theme for theme in final if theme is not None}
    for pk, rows in rows_of.items():
        theme = by_pk[pk]
        order = sorted(rows, key=lambda i: -float(vectors[i] @ theme.vector))
        picked, seen = [], set()
        for i in order:
            text = " ".join(items[i].text.lower().split())
            if text not in seen:
                seen.add(text)
                picked.append(items[i].pk)
            if len(picked) == EXAMPLES:
                break
        theme.examples = picked
        Theme.objects.filter(pk=pk).update(examples=picked)


def _unused(stored: list[Theme], matched: set[int]) -> set[int]:
    """Stored themes that matched no cluster and that no person touched (renamed, made by a
    split, merged, split, or the target of a merge): they are removed."""
    touched = {t.merged_into_id for t in stored} | {t.split_from_id for t in stored}
    return {
        t.pk
        for t in stored
        if t.pk not in matched
        and t.pk not in touched
        and t.status == ThemeStatus.ACTIVE
        and not t.user_label
        and not t.created_by_user
    }


def recount(organization: Organization) -> int:
    """Stores each theme's item count (one grouped query); returns the active themes."""
    counts = dict(
        ItemTheme.objects.filter(organization=organization, theme__isnull=False)
        .values_list("theme_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    themes = list(Theme.objects.filter(organization=organization))
    for theme in themes:
        theme.size = counts.get(theme.pk, 0)
    Theme.objects.bulk_update(themes, ["size"], batch_size=500)
    return sum(theme.status == ThemeStatus.ACTIVE for theme in themes)
