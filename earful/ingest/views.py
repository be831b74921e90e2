"""Pages: imports (upload a file, follow its progress) and source connections."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from earful.accounts.access import member_required
from earful.accounts.models import Member
from earful.ingest import selectors
from earful.ingest.forms import ConnectionForm, UploadForm, add_service_error
from earful.ingest.models import ImportRun, SourceConnection
from earful.ingest.services import connections, importing

SHOWN_REJECTIONS = 200


def _index(request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
    organization = request.member.organization  # type: ignore[attr-defined]
    context = {
        "form": form,
        "connections": selectors.list_connections(organization),
        "imports": selectors.recent_imports(organization),
    }
    return render(request, "ingest/index.html", context, status=status)


@member_required(importing.MANAGE_DATA)
def index(request: HttpRequest) -> HttpResponse:
    return _index(request, UploadForm())


@require_POST
@member_required(importing.MANAGE_DATA)
def upload(request: HttpRequest) -> HttpResponse:
    """Saves the file and starts the import in the background; then its progress page."""
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            run = importing.start_upload_import(
                organization=request.member.organization,  # type: ignore[attr-defined]
                kind=form.cleaned_data["kind"],
                source_name=form.cleaned_data["source"],
                upload=form.cleaned_data["file"],
                columns=form.cleaned_data["columns"],
                created_by=request.member,  # type: ignore[attr-defined]
            )
        except connections.ConnectionInvalid as exc:
            add_service_error(form, exc)
        else:
            return redirect("ingest:import", run_id=run.pk)
    return _index(request, form, status=422)


def _progress(run: ImportRun) -> dict[str, Any]:
    return {
        "run": run,
        "rejections": selectors.import_rejections(run, limit=SHOWN_REJECTIONS),
        "shown_rejections": SHOWN_REJECTIONS,
        "running": run.status == ImportRun.Status.RUNNING,
    }


@member_required(importing.MANAGE_DATA)
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.access_import(request.member, run_id)  # type: ignore[attr-defined]
    return render(request, "ingest/import.html", _progress(run))


@member_required(importing.MANAGE_DATA)
def import_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress box alone, which htmx polls while the import runs."""
    run = selectors.access_import(request.member, run_id)  # type: ignore[attr-defined]
    return render(request, "ingest/_import_progress.html", _progress(run))


@member_required(importing.MANAGE_DATA)
def sources(request: HttpRequest) -> HttpResponse:
    """The organization's connections; adding one shows its webhook secret, this once."""
    form = ConnectionForm(request.POST or None)
    created = _connect(request.member, form) if form.is_bound else None  # type: ignore[attr-defined]
    organization = request.member.organization  # type: ignore[attr-defined]
    context = {
        "form": ConnectionForm() if created else form,
        "created": created,
        "created_url": connections.webhook_url(created) if created else "",
        "connections": [
            (c, connections.webhook_url(c)) for c in selectors.list_connections(organization)
        ],
        "available": selectors.available_sources(),
    }
    return render(request, "ingest/sources.html", context, status=422 if form.errors else 200)


def _connect(member: Member, form: ConnectionForm) -> SourceConnection | None:
    if not form.is_valid():
        return None
    try:
        return connections.create_connection(
            organization=member.organization,
            source_name=form.cleaned_data["source"],
            kind=form.cleaned_data["kind"],
            column_mapping=form.cleaned_data["columns"],
        )
    except connections.ConnectionInvalid as exc:
        add_service_error(form, exc)
        return None
