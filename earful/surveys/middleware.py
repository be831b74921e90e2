"""The public answer endpoints skip the middleware they do not need.

`PublicAnswerMiddleware` sits right after the CORS and abuse-limit middleware, which these
endpoints do need, and serves `public_api.urlpatterns` itself: the sessions, CSRF (the views are
exempt), authentication, messages, clickjacking (JSON is never framed) and htmx middleware after
it would only cost time on the hot path, about a tenth of an answer's. Any other request passes
through untouched; `earful/urls.py` routes the same patterns, so without this middleware the
answers are served the same way, only slower.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from earful.surveys import public_api

PREFIX = "/api/v1/"  # where earful/urls.py includes public_api.urlpatterns


class PublicAnswerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(PREFIX + "public/surveys/"):
            for pattern in public_api.urlpatterns:
                match = pattern.resolve(path.removeprefix(PREFIX))
                if match:
                    request.resolver_match = match
                    return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)
