"""Themes of an organization's feedback, each item's theme, and the embeddings they come from.

Theme membership lives here, not on FeedbackItem: themes are an insight computed over the
items, recomputed by `refresh_themes` and edited by people (rename, merge, split).
"""

from __future__ import annotations

import numpy as np
from django.db import models

from earful.core.models import OrgScoped, TimeStamped

VECTOR_DTYPE = np.float32


def vector_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=VECTOR_DTYPE).tobytes()


def bytes_vector(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=VECTOR_DTYPE)


class ThemeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    MERGED = "merged", "Merged into another theme"
    SPLIT = "split", "Split into other themes"


class ThemeQuerySet(models.QuerySet["Theme"]):
    def active(self) -> ThemeQuerySet:
        return self.filter(status=ThemeStatus.ACTIVE)


class Theme(OrgScoped):
    """A theme found in the organization's texts (or made by a person splitting one).

    `label` is the generated name, renewed by each refresh; `user_label`, when set, is the name
    a person gave it and is what everyone sees. A merged theme keeps its centroid so that the
    texts it would have collected go to `merged_into`; a split theme passes its texts on to its
    `parts` (the themes with `split_from` = it)."""

    label = models.CharField(max_length=200, help_text="The generated name (key phrase)")
    user_label = models.CharField(max_length=200, blank=True, help_text="A person's rename")
    keyphrases = models.JSONField(default=list)
    examples = models.JSONField(default=list, help_text="Feedback item ids, most typical first")
    centroid = models.BinaryField(help_text="Unit-length float32 vector (384 for MiniLM)")
    threshold = models.FloatField(help_text="Least cosine similarity to the centroid to belong")
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=ThemeStatus.choices, default=ThemeStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="parts"
    )
    created_by_user = models.BooleanField(default=False, help_text="Made by a split")

    objects = ThemeQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organization", "status", "size"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user_label or self.label

    @property
    def vector(self) -> np.ndarray:
        return bytes_vector(self.centroid)


class ItemEmbedding(TimeStamped):
    """The embedding of a feedback item's text, kept so themes can be refreshed without
    reading every text through the model again. `text_hash` tells when the text changed."""

    item = models.OneToOneField(
        "feedback.FeedbackItem",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="embedding",
    )
    vector = models.BinaryField()
    text_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"embedding of item {self.item_id}"


class ItemTheme(OrgScoped):
    """An item's theme. `theme` NULL: the item fits no theme yet (new/emerging)."""

    item = models.OneToOneField(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="theme_link"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="item_links"
    )
    similarity = models.FloatField(help_text="Cosine similarity to the theme's centroid")

    class Meta:
        indexes = [models.Index(fields=["organization", "theme"])]

    def __str__(self) -> str:
        return f"item {self.item_id} -> theme {self.theme_id}"
