"""How a request becomes a member: the session for pages, a bearer token for the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.security import HttpBearer

from earful.accounts.models import Member
from earful.accounts.selectors import active_token, current_member
from earful.core.api_errors import ApiInvalid

SESSION_ORG_KEY = "earful_organization_id"

View = Callable[..., HttpResponse]


def require(member: Member, permission: str) -> Member:
    """Raises 403 when the member's role does not allow `permission` (own organization only)."""
    if not member.can(permission):
        raise PermissionDenied(f"Your role ({member.role}) cannot {permission.replace('_', ' ')}.")
    return member


def member_required(permission: str) -> Callable[[View], View]:
    """Page decorator: signed in, a member of an organization, allowed `permission`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            member = current_member(request.user, request.session.get(SESSION_ORG_KEY))  # type: ignore[arg-type]
            if member is None and request.user.is_authenticated:
                # Not the login page: it sends signed-in users back here, a redirect loop.
                return render(request, "accounts/no_organization.html", status=403)
            if member is None:
                return redirect_to_login(request.get_full_path())
            request.member = require(member, permission)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """API auth: `Authorization: Bearer <token>`; request.auth is the token's member,
    request.api_token the token. A read-only token may only read (403 otherwise)."""

    def authenticate(self, request: HttpRequest, token: str) -> Member | None:
        found = active_token(token)
        if found is None:
            return None
        if found.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied("This token is read-only: it may only read.")
        request.api_token = found  # type: ignore[attr-defined]
        return found.member


def api_member(request: HttpRequest, permission: str) -> Member:
    """The token's member, allowed `permission`; else 403 in the API's error shape."""
    member: Member = request.auth  # type: ignore[attr-defined]
    try:
        return require(member, permission)
    except PermissionDenied as exc:
        raise ApiInvalid([("role", str(exc))], status=403) from exc
