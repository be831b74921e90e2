"""Headers every reply carries beyond Django's SecurityMiddleware: the Content-Security-Policy.

Pages load scripts, styles, images and fonts from Earful itself only, with no inline script and
no inline style (charts are SVG with presentation attributes; per-page styles are static files;
htmx is told not to inject its indicator style, earful.css holds it). Forms post to Earful only,
and no other site may frame a page (as X-Frame-Options: DENY says for older browsers).
The widget runs on customers' own sites: their policy applies there, not this one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
