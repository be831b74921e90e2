"""Every change made by a member or an API token lands in the audit log (privacy.AuditEvent).

A change is any POST, PUT, PATCH or DELETE that reached a view as a member: pages set
`request.member`, the API sets `request.auth`. Public routes (answers, widget, webhooks) have
neither and are not audited here; sign-ins are (handlers.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException

from earful.accounts.models import Member
from earful.privacy.services import Actor, record_audit

CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
MAX_BODY = 32 * 1024


def client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _sent(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            body = request.body
        except RawPostDataException:
            return {}
        if len(body) > MAX_BODY:
            return {"body": f"{len(body)} bytes"}
        try:
            parsed = json.loads(body or b"{}")
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {"body": parsed}
    try:
        posted = request.POST
    except (MultiPartParserError, RawPostDataException, ValueError):
        return {}  # a body Django could not read: the view answered 400 already
    return {k: v for k, v in posted.items() if k != "csrfmiddlewaretoken"}


def _target(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is None:
        return ""
    ids = ",".join(f"{k}={v}" for k, v in sorted(match.kwargs.items()))
    return f"{match.view_name}:{ids}" if ids else match.view_name


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in CHANGES:
            self._record(request, response)
        return response

    def _record(self, request: HttpRequest, response: HttpResponse) -> None:
        member = getattr(request, "member", None) or getattr(request, "auth", None)
        if not isinstance(member, Member):
            return
        via_token = getattr(request, "auth", None) is member
        details = _sent(request)
        details["via"] = "api token" if via_token else "page"
        match = request.resolver_match
        token = getattr(request, "api_token", None) if via_token else None
        record_audit(
            organization=member.organization,
            actor=Actor(
                member=member,
                address=client_address(request),
                token_id=token.pk if token is not None else None,
            ),
            action=f"{request.method.lower()} {match.url_name if match else 'unknown'}",  # type: ignore[union-attr]
            target=_target(request),
            details=details,
            method=request.method or "",
            path=request.path,
            status=response.status_code,
        )
