"""Source connections: which sources an organization takes feedback from, the column mapping of
its file sources, and the secret that signs each source's inbound webhooks."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction

from earful.accounts.models import Organization
from earful.ingest.models import Kind, SourceConnection
from earful.ingest.sources import all_sources, get_source, tabular
from earful.ingest.sources.base import Source

# What a column mapping of a file source (csv, json) may name: our fields (-> their column)
# and options such as `_date_format` (see ingest/sources/tabular.py).
MAPPABLE_FIELDS = (*tabular.FIELDS, *tabular.OPTIONS)


class ConnectionInvalid(ValueError):
    """Bad input for a connection or an import: which field, and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def webhook_path(connection: SourceConnection) -> str:
    """Where the source posts its webhooks (earful/ingest/webhook_urls.py)."""
    return f"/hooks/{connection.source}/{connection.pk}/"


def webhook_url(connection: SourceConnection) -> str:
    return settings.EARFUL_BASE_URL + webhook_path(connection)


def source_named(name: str) -> Source:
    """The source called `name`, or ConnectionInvalid("source", ...) listing the known ones."""
    source = get_source(name)
    if source is None:
        known = ", ".join(all_sources()) or "none"
        raise ConnectionInvalid("source", f"no source named '{name}' (known: {known})")
    return source


def source_for_kind(name: str, kind: str) -> Source:
    """The source called `name`, checked to bring `kind` (tickets | reviews | posts)."""
    if kind not in Kind.values:
        raise ConnectionInvalid("kind", f"'{kind}' is not one of {', '.join(Kind.values)}")
    source = source_named(name)
    if source.kind in Kind.values and source.kind != kind:
        raise ConnectionInvalid(
            "source", f"{source.label} brings {source.kind}, not {kind}: import it as {source.kind}"
        )
    return source


def check_columns(
    columns: Mapping[str, object] | None, source: Source | None = None
) -> dict[str, str]:
    """A column mapping (our field -> their column) with known fields and non-empty columns;
    only file sources (csv, json) take one."""
    checked: dict[str, str] = {}
    if columns and source is not None and not source.needs_columns:
        raise ConnectionInvalid(
            "columns", f"{source.label} files have a fixed shape: they take no column mapping"
        )
    for field, column in (columns or {}).items():
        if field not in MAPPABLE_FIELDS:
            raise ConnectionInvalid(
                "columns", f"'{field}' is not a field: use {', '.join(MAPPABLE_FIELDS)}"
            )
        if not isinstance(column, str) or not column.strip():
            raise ConnectionInvalid("columns", f"'{field}' needs a column name")
        checked[field] = column.strip()
    return checked


def parse_columns(text: str) -> dict[str, str]:
    """`text=body,external_id=ticket id` -> {"text": "body", "external_id": "ticket id"}."""
    pairs: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        field, sep, column = part.partition("=")
        if not sep:
            raise ConnectionInvalid("columns", f"'{part.strip()}' is not our_field=their_column")
        pairs[field.strip()] = column
    return check_columns(pairs)


def create_connection(
    *,
    organization: Organization,
    source_name: str,
    kind: str = "",
    column_mapping: Mapping[str, object] | None = None,
) -> SourceConnection:
    """Connects a source to the organization with a fresh webhook secret (shown once to people:
    the caller reads `connection.webhook_secret` now). One connection per source."""
    source = source_named(source_name)
    kind = kind or (source.kind if source.kind in Kind.values else "")
    if not kind:
        raise ConnectionInvalid("kind", f"{source.label} brings any kind: choose one")
    source_for_kind(source_name, kind)
    mapping = check_columns(column_mapping, source)
    if SourceConnection.objects.filter(organization=organization, source=source.name).exists():
        raise ConnectionInvalid("source", f"{source.label} is already connected")
    try:
        with transaction.atomic():
            return SourceConnection.objects.create(
                organization=organization,
                source=source.name,
                kind=kind,
                column_mapping=mapping,
                webhook_secret=new_webhook_secret(),
            )
    except IntegrityError:  # connected meanwhile by another request
        raise ConnectionInvalid("source", f"{source.label} is already connected") from None


def set_column_mapping(
    *, connection: SourceConnection, column_mapping: Mapping[str, object]
) -> SourceConnection:
    connection.column_mapping = check_columns(column_mapping, source_named(connection.source))
    connection.save(update_fields=["column_mapping", "updated_at"])
    return connection


def rotate_webhook_secret(*, connection: SourceConnection) -> SourceConnection:
    """A new secret; requests signed with the old one are refused from now on."""
    connection.webhook_secret = new_webhook_secret()
    connection.save(update_fields=["webhook_secret", "updated_at"])
    return connection
