"""Reads of the ingest app: connections, import runs and their rejected rows."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from earful.accounts.models import Member, Organization
from earful.ingest.models import ImportRejection, ImportRun, SourceConnection
from earful.ingest.sources import all_sources
from earful.ingest.sources.base import Source

RECENT_IMPORTS = 20


def available_sources() -> list[Source]:
    """Every source Earful knows (a folder under ingest/sources/), by name."""
    return list(all_sources().values())


def list_connections(organization: Organization) -> QuerySet[SourceConnection]:
    return SourceConnection.objects.filter(organization=organization).order_by("source")


def access_connection(member: Member, connection_id: int) -> SourceConnection:
    return get_object_or_404(SourceConnection, pk=connection_id, organization=member.organization)


def recent_imports(organization: Organization, *, limit: int = RECENT_IMPORTS) -> list[ImportRun]:
    runs = (
        ImportRun.objects.filter(organization=organization)
        .select_related("created_by__user")
        .order_by("-created_at", "-pk")
    )
    return list(runs[:limit])


def access_import(member: Member, run_id: int) -> ImportRun:
    return get_object_or_404(
        ImportRun.objects.select_related("created_by__user"),
        pk=run_id,
        organization=member.organization,
    )


def import_rejections(
    run: ImportRun, *, limit: int = 100, offset: int = 0
) -> list[ImportRejection]:
    """The run's rejected rows, by row number (the first KEPT_REJECTIONS are kept)."""
    rows = ImportRejection.objects.filter(run=run).order_by("row_number", "pk")
    return list(rows[offset : offset + limit])


def kept_rejection_count(run: ImportRun) -> int:
    return ImportRejection.objects.filter(run=run).count()
