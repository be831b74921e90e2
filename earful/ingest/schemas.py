from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class SourceTypeOut(Schema):
    name: str = Field(..., description="Pass it as `source`: csv, json, zendesk ...")
    label: str
    kind: str = Field(..., description="tickets | reviews | posts; `any` for file sources")
    needs_columns: bool = Field(..., description="File sources take a column mapping")


class ConnectionOut(Schema):
    id: int
    source: str
    kind: str
    column_mapping: dict[str, str]
    enabled: bool
    webhook_url: str = Field(..., description="Where the source posts its webhooks")
    created_at: datetime


class ConnectionCreatedOut(ConnectionOut):
    webhook_secret: str = Field(
        ..., description="Signs the source's webhooks. Shown this once: store it now."
    )


class SourcesOut(Schema):
    available: list[SourceTypeOut]
    connections: list[ConnectionOut]


class ConnectionIn(Schema):
    source: str = Field(..., description="A source name from GET /sources")
    kind: str = Field("", description="tickets | reviews | posts; file sources need it")
    column_mapping: dict[str, str] = Field(
        default_factory=dict,
        description='File sources: our field -> their column, e.g. {"text": "body"}',
    )


class ImportAcceptedOut(Schema):
    id: int
    status: str
    url: str = Field(..., description="GET it for the progress, the counts and the rejections")


class ImportSummaryOut(Schema):
    id: int
    kind: str
    source: str
    filename: str
    status: str = Field(..., description="running | done | failed")
    rows_read: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    error: str = Field(..., description="Why a failed import stopped")
    created_at: datetime
    finished_at: datetime | None


class RejectionOut(Schema):
    row_number: int = Field(..., description="1 = the first data row")
    external_id: str
    field: str
    reason: str


class ImportOut(ImportSummaryOut):
    rejections: list[RejectionOut] = Field(
        ..., description="Rejected rows by row number, `rejections_limit` from `rejections_offset`"
    )
    rejections_listed: int = Field(
        ..., description="Rejected rows kept for listing (the first 1,000 of `rejected`)"
    )


class ImportsOut(Schema):
    items: list[ImportSummaryOut]
