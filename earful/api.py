"""The JSON API, /api/v1. Every router lives in its app; this file only assembles them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from earful.accounts.access import TokenAuth
from earful.alerts.api import router as alerts_router
from earful.core.api_errors import ApiInvalid, error_body, pydantic_errors
from earful.customers.api import events_router
from earful.customers.api import router as customers_router
from earful.inbox.api import router as inbox_router
from earful.inbox.api_trends import router as inbox_trends_router
from earful.ingest.api import router as ingest_router
from earful.insights.api import router as insights_router
from earful.insights.api import themes_router
from earful.insights.api_feedback import router as feedback_router
from earful.insights.api_stats import router as insights_stats_router
from earful.outreach.api import router as outreach_router
from earful.perception.api import router as perception_router
from earful.surveys.api import public_router
from earful.surveys.api import router as surveys_router
from earful.widget.api import router as widget_router

api = NinjaAPI(
    title="Earful API",
    version="1",
    description=(
        "Everything the Earful UI does. Authenticate with `Authorization: Bearer <token>` "
        "(create tokens with `earful createorg` or on the API tokens page). Another "
        'organization\'s objects answer 404. Errors: `{"detail": [{"field", "message"}]}`.'
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)
api.add_router("/surveys", surveys_router)
api.add_router("/surveys", insights_router)
api.add_router("/surveys", outreach_router)
api.add_router("/customers", customers_router)
api.add_router("/insights", insights_stats_router)
api.add_router("/feedback", feedback_router)
api.add_router("/themes", themes_router)
api.add_router("/events", events_router)
api.add_router("", ingest_router)  # /sources, /imports
api.add_router("/items", inbox_trends_router)  # /items/trends, before /items/{item_id}
api.add_router("/items", inbox_router)
api.add_router("/alert-rules", alerts_router)
api.add_router("/perception", perception_router)
api.add_router("/public", public_router, auth=None)
api.add_router("/public", widget_router, auth=None)


@api.exception_handler(ApiInvalid)
def _invalid(request: HttpRequest, exc: ApiInvalid) -> HttpResponse:
    return api.create_response(request, {"detail": exc.errors}, status=exc.status)


@api.exception_handler(ValidationError)
def _schema_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, error_body(pydantic_errors(exc.errors)), status=422)


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
