"""A streamed file download, audited: the one shape the pages and the API share."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse

from earful.accounts.models import Member
from earful.privacy import services
from earful.privacy.formats import lines
from earful.privacy.middleware import client_address
from earful.privacy.selectors import Export

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


def member_actor(request: HttpRequest, member: Member) -> services.Actor:
    return services.Actor(member=member, address=client_address(request))


def download(
    request: HttpRequest, member: Member, export: Export, format: str, bom: bool, target: str
) -> StreamingHttpResponse:
    """Streams the export (bounded memory: rows are read in chunks) and records it."""
    services.record_export(
        organization=member.organization,
        actor=member_actor(request, member),
        what=export.name.rsplit("-", 1)[-1],
        target=target,
        format=format,
    )
    response = StreamingHttpResponse(
        lines(format, export.columns, export.rows, bom=bom), content_type=CONTENT_TYPES[format]
    )
    response["Content-Disposition"] = f'attachment; filename="{export.name}.{format}"'
    if export.withheld:
        response["X-Earful-Withheld"] = export.withheld
    return response
