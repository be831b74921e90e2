"""CORS for the public survey endpoints: only origins an organization allowed for its widget."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from earful.widget.selectors import allowed_origins_for_survey

_PUBLIC_SURVEY = re.compile(r"^/api/v1/public/(?:surveys|widget)/([A-Za-z0-9_-]{8,64})(?:/|$)")
ALLOWED_HEADERS = "Content-Type, Idempotency-Key"
ALLOWED_METHODS = "GET, POST, PATCH, OPTIONS"


class WidgetCorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = request.META.get("HTTP_ORIGIN")  # `request.headers` costs more, every request
        match = _PUBLIC_SURVEY.match(request.path)
        if not origin or not match:
            return self.get_response(request)
        allowed = origin in allowed_origins_for_survey(match.group(1))
        if request.method == "OPTIONS":
            response = HttpResponse(status=204 if allowed else 403)
        else:
            response = self.get_response(request)
        if allowed:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = "600"
        patch_vary_headers(response, ["Origin"])
        return response
