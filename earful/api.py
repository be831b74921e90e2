"""The JSON API, /api/v1. Every router lives in its app; this file only assembles them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from earful.accounts.access import TokenAuth
from earful.accounts.api import members_router, tokens_router
from earful.alerts.api import router as alerts_router
from earful.cases.api import router as cases_router
from earful.core.api_errors import ApiInvalid, error_body, pydantic_errors
from earful.core.openapi import add_edge_statuses
from earful.core.text import TextInvalid, clean_text, load_json
from earful.customers.api import events_router, orders_router
from earful.customers.api import router as customers_router
from earful.health.api import loyalty_router
from earful.health.api import router as health_router
from earful.ideas.api import public_router as ideas_public_router
from earful.ideas.api import router as ideas_router
from earful.inbox.api import router as inbox_router
from earful.inbox.api_trends import router as inbox_trends_router
from earful.ingest.api import router as ingest_router
from earful.insights.api import router as insights_router
from earful.insights.api import themes_router
from earful.insights.api_feedback import router as feedback_router
from earful.insights.api_stats import router as insights_stats_router
from earful.outreach.api import router as outreach_router
from earful.outreach.api_policy import router as contact_policy_router
from earful.perception.api import router as perception_router
from earful.privacy.api import audit_router, retention_router
from earful.privacy.api import customers_router as rights_router
from earful.privacy.api import router as exports_router
from earful.privacy.api import surveys_router as survey_exports_router
from earful.surveys.api import public_router
from earful.surveys.api import router as surveys_router
from earful.webhooks.api import router as webhooks_router
from earful.widget.api import router as widget_router
from earful.widget.api_settings import router as widget_settings_router


class CleanParser(Parser):
    """Bodies and query strings with every text through `core.text` (NULs and lone surrogates
    refused with a 422 naming the field, NFC): one rule at the API's edge."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return load_json(request.body)  # type: ignore[no-any-return]

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        return {key: _clean_param(key, value) for key, value in parsed.items()}


def _clean_param(key: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_clean_param(key, item) for item in value]
    return clean_text(value, field=key) if isinstance(value, str) else value  # files pass


class EarfulAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """With the statuses the edge answers on every operation (core.openapi)."""
        return add_edge_statuses(super().get_openapi_schema(**kwargs))


api = EarfulAPI(
    title="Earful API",
    version="1",
    description=(
        "Everything the Earful UI does. Authenticate with `Authorization: Bearer <token>` "
        "(create tokens with `earful createorg` or on the API tokens page). Another "
        'organization\'s objects answer 404. Errors: `{"detail": [{"field", "message"}]}`.'
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    parser=CleanParser(),
)
api.add_router("/surveys", surveys_router)
api.add_router("/surveys", insights_router)
api.add_router("/surveys", outreach_router)
api.add_router("/surveys", survey_exports_router)
api.add_router("/customers", customers_router)
api.add_router("/customers", rights_router)
api.add_router("/exports", exports_router)
api.add_router("/audit", audit_router)
api.add_router("/retention", retention_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("/members", members_router)
api.add_router("/tokens", tokens_router)
api.add_router("/contact-policy", contact_policy_router)
api.add_router("/widget", widget_settings_router)
api.add_router("/insights", insights_stats_router)
api.add_router("/feedback", feedback_router)
api.add_router("/themes", themes_router)
api.add_router("/events", events_router)
api.add_router("/orders", orders_router)
api.add_router("", ingest_router)  # /sources, /imports
api.add_router("/items", inbox_trends_router)  # /items/trends, before /items/{item_id}
api.add_router("/items", inbox_router)
api.add_router("/alert-rules", alerts_router)
api.add_router("/cases", cases_router)
api.add_router("/ideas", ideas_router)
api.add_router("/health", health_router)
api.add_router("/loyalty", loyalty_router)
api.add_router("/perception", perception_router)
api.add_router("/public", public_router, auth=None)
api.add_router("/public", widget_router, auth=None)
api.add_router("/public", ideas_public_router, auth=None)


@api.exception_handler(ApiInvalid)
def _invalid(request: HttpRequest, exc: ApiInvalid) -> HttpResponse:
    return api.create_response(request, {"detail": exc.errors}, status=exc.status)


@api.exception_handler(ValidationError)
def _schema_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, error_body(pydantic_errors(exc.errors)), status=422)


@api.exception_handler(TextInvalid)
def _text_invalid(request: HttpRequest, exc: TextInvalid) -> HttpResponse:
    return api.create_response(request, error_body([(exc.field, exc.reason)]), status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals (a body it cannot parse) in the error shape; a bad text in the body
    (`CleanParser.parse_body`, wrapped by ninja) answers 422 naming its field."""
    if isinstance(exc.__cause__, TextInvalid):
        return _text_invalid(request, exc.__cause__)
    return api.create_response(request, error_body([("body", exc.message)]), status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body([("id", "not found")]), status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, error_body([("role", str(exc))]), status=403)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = error_body([("Authorization", "send a valid token: Authorization: Bearer <token>")])
    return api.create_response(request, body, status=401)
