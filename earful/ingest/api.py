"""Sources, connections and imports: /api/v1/sources, /api/v1/imports."""

from __future__ import annotations

import json

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, UploadedFile

from earful.accounts.access import api_member
from earful.core.api_errors import ApiInvalid, ErrorOut, Id, Limit, Offset
from earful.ingest import selectors
from earful.ingest.models import ImportRun, SourceConnection
from earful.ingest.schemas import (
    ConnectionCreatedOut,
    ConnectionIn,
    ConnectionOut,
    ImportAcceptedOut,
    ImportOut,
    ImportsOut,
    SourcesOut,
)
from earful.ingest.services import connections, importing

router = Router(tags=["imports"])
MANAGE_DATA = importing.MANAGE_DATA


def _connection(connection: SourceConnection) -> dict:
    return {
        "id": connection.pk,
        "source": connection.source,
        "kind": connection.kind,
        "column_mapping": connection.column_mapping,
        "enabled": connection.enabled,
        "webhook_url": connections.webhook_url(connection),
        "created_at": connection.created_at,
    }


@router.get("/sources", response=SourcesOut)
def list_sources(request: HttpRequest) -> dict:
    """The sources Earful can read, and the organization's connections to them."""
    member = api_member(request, MANAGE_DATA)
    return {
        "available": selectors.available_sources(),
        "connections": [_connection(c) for c in selectors.list_connections(member.organization)],
    }


@router.post("/sources", response={201: ConnectionCreatedOut, 422: ErrorOut})
def create_connection(request: HttpRequest, payload: ConnectionIn) -> tuple[int, dict]:
    """Connects a source; the answer holds its webhook secret, this once."""
    member = api_member(request, MANAGE_DATA)
    try:
        connection = connections.create_connection(
            organization=member.organization,
            source_name=payload.source,
            kind=payload.kind,
            column_mapping=payload.column_mapping,
        )
    except connections.ConnectionInvalid as exc:
        raise ApiInvalid([(exc.field, exc.message)]) from exc
    return 201, {**_connection(connection), "webhook_secret": connection.webhook_secret}


@router.get("/sources/{connection_id}", response=ConnectionOut)
def get_connection(request: HttpRequest, connection_id: Id) -> dict:
    member = api_member(request, MANAGE_DATA)
    return _connection(selectors.access_connection(member, connection_id))


@router.post("/imports", response={202: ImportAcceptedOut, 422: ErrorOut})
def start_import(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[str],
    source: Form[str],
    columns: Form[str] = "",
) -> tuple[int, dict]:
    """Uploads a file (multipart: `kind` tickets|reviews|posts, `source`, `file`, and for file
    sources an optional `columns` JSON object, our field -> their column). The import runs in
    the background: GET the returned `url` for its progress, counts and rejected rows."""
    member = api_member(request, MANAGE_DATA)
    try:
        mapping = json.loads(columns) if columns.strip() else None
    except ValueError as exc:
        raise ApiInvalid([("columns", f"not JSON: {exc}")]) from exc
    if mapping is not None and not isinstance(mapping, dict):
        raise ApiInvalid([("columns", "expected a JSON object: our field -> their column")])
    try:
        run = importing.start_upload_import(
            organization=member.organization,
            kind=kind,
            source_name=source,
            upload=file,
            columns=mapping,
            created_by=member,
        )
    except connections.ConnectionInvalid as exc:
        raise ApiInvalid([(exc.field, exc.message)]) from exc
    url = reverse("api:get_import", kwargs={"run_id": run.pk})
    return 202, {"id": run.pk, "status": run.status, "url": url}


@router.get("/imports", response=ImportsOut)
def list_imports(request: HttpRequest) -> dict:
    """The organization's recent imports, newest first."""
    member = api_member(request, MANAGE_DATA)
    return {"items": selectors.recent_imports(member.organization)}


@router.get("/imports/{run_id}", response=ImportOut, url_name="get_import")
def get_import(
    request: HttpRequest, run_id: Id, rejections_limit: Limit = 100, rejections_offset: Offset = 0
) -> dict:
    """An import's status and counts (they grow while it runs) and its rejected rows."""
    member = api_member(request, MANAGE_DATA)
    run: ImportRun = selectors.access_import(member, run_id)
    rejections = selectors.import_rejections(
        run, limit=max(1, min(rejections_limit, 1000)), offset=max(0, rejections_offset)
    )
    return {
        **{f: getattr(run, f) for f in ImportOut.model_fields if hasattr(run, f)},
        "rejections": rejections,
        "rejections_listed": selectors.kept_rejection_count(run),
    }
