"""Exports, a customer's rights and the audit log, in the API (the pages call the same code)."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut
from earful.customers.selectors import access_customer
from earful.privacy import retention, selectors, services
from earful.privacy.downloads import download, member_actor
from earful.privacy.models import RetentionPolicy
from earful.privacy.schemas import (
    AuditPageOut,
    AuditParams,
    CustomerDataOut,
    ErasureOut,
    ExportParams,
    ResponseListParams,
    ResponsePageOut,
)
from earful.surveys.selectors import access_survey

surveys_router = Router(tags=["exports"])
router = Router(tags=["exports"])
customers_router = Router(tags=["customer rights"])
audit_router = Router(tags=["audit"])
retention_router = Router(tags=["customer rights"])


class RetentionIO(Schema):
    raw_text_months: int | None = Field(
        None, ge=1, le=600, description="Remove customers' words older than this; null: keep"
    )


@retention_router.get("", response=RetentionIO)
def get_retention(request: HttpRequest) -> RetentionPolicy:
    member = api_member(request, Permission.VIEW_AUDIT)
    return retention.retention_for(member.organization)


@retention_router.put("", response={200: RetentionIO, 422: ErrorOut})
def put_retention(request: HttpRequest, payload: RetentionIO) -> RetentionPolicy:
    """Scores, tiers, sentiment and themes are kept; the words go (daily, by the worker)."""
    member = api_member(request, Permission.ERASE_CUSTOMERS)
    try:
        return retention.set_retention(
            organization=member.organization, raw_text_months=payload.raw_text_months
        )
    except retention.RetentionInvalid as exc:
        raise ApiInvalid([("raw_text_months", str(exc).partition(": ")[2])]) from exc


@surveys_router.get("/{survey_id}/responses", response={200: ResponsePageOut, 404: ErrorOut})
def list_responses(request: HttpRequest, survey_id: int, params: Query[ResponseListParams]) -> dict:
    """The survey's responses, oldest first, a page at a time (`next` -> `after`).
    Trustee surveys: no identity, the day only, nothing under the minimum group size."""
    member = api_member(request, Permission.EXPORT_DATA)
    survey = access_survey(member, survey_id)
    filters = selectors.ResponseFilters(
        since=params.since, until=params.until, finished=params.finished, after_id=params.after
    )
    rows, after, withheld = selectors.response_page(survey, filters, params.limit)
    return {"items": rows, "next": after, "withheld": withheld}


@surveys_router.get(
    "/{survey_id}/responses/export",
    response={200: None, 404: ErrorOut},
    openapi_extra={"responses": {200: {"description": "CSV or JSON Lines, streamed"}}},
)
def export_responses(
    request: HttpRequest, survey_id: int, params: Query[ExportParams]
) -> StreamingHttpResponse:
    """The whole survey as one file: a row per response, a column per question and comment."""
    member = api_member(request, Permission.EXPORT_DATA)
    survey = access_survey(member, survey_id)
    export = selectors.response_export(survey)
    return download(request, member, export, params.format, params.bom, f"survey:{survey.pk}")


@router.get(
    "/feedback",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "CSV or JSON Lines, streamed"}}},
)
def export_feedback(request: HttpRequest, params: Query[ExportParams]) -> StreamingHttpResponse:
    """Every feedback item (every channel) with its enrichment."""
    member = api_member(request, Permission.EXPORT_DATA)
    export = selectors.item_export(member.organization)
    return download(request, member, export, params.format, params.bom, "feedback")


@router.get(
    "/customers",
    response={200: None},
    openapi_extra={"responses": {200: {"description": "CSV or JSON Lines, streamed"}}},
)
def export_customers(request: HttpRequest, params: Query[ExportParams]) -> StreamingHttpResponse:
    member = api_member(request, Permission.EXPORT_DATA)
    export = selectors.customer_export(member.organization)
    return download(request, member, export, params.format, params.bom, "customers")


@customers_router.get("/{customer_id}/data", response={200: CustomerDataOut, 404: ErrorOut})
def customer_data(request: HttpRequest, customer_id: int) -> dict:
    """Everything Earful holds about this customer (GDPR article 15), with a summary."""
    member = api_member(request, Permission.ERASE_CUSTOMERS)
    customer = access_customer(member, customer_id)
    return services.export_customer_data(customer=customer, actor=member_actor(request, member))


@customers_router.post("/{customer_id}/erase", response={200: ErasureOut, 404: ErrorOut})
def erase_customer(request: HttpRequest, customer_id: int) -> dict:
    """Erases the customer everywhere (GDPR article 17); scores stay, unlinked and wordless."""
    member = api_member(request, Permission.ERASE_CUSTOMERS)
    customer = access_customer(member, customer_id)
    record = services.erase_customer(customer=customer, actor=member_actor(request, member))
    return {"erased_at": record.at, "rows": record.rows}


@audit_router.get("", response=AuditPageOut)
def list_audit(request: HttpRequest, params: Query[AuditParams]) -> dict:
    """Who did what, newest first (`next` -> `after`)."""
    member = api_member(request, Permission.VIEW_AUDIT)
    events = selectors.audit_events(
        member.organization,
        action=params.action,
        actor=params.actor,
        since=params.since,
        after=params.after,
    )
    page = list(events[: params.limit + 1])
    more = len(page) > params.limit
    return {"items": page[: params.limit], "next": page[params.limit - 1].id if more else None}
