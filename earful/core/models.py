"""Abstract building blocks shared by every domain app."""

from __future__ import annotations

from django.db import models


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OrgScoped(TimeStamped):
    """A row that belongs to exactly one organization. Queries always filter on it."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)

    class Meta:
        abstract = True
