"""Rate and size limits on the doors anyone can knock on, applied before any database work.

Fixed windows counted in the database (`core.RateCount`, one upsert per counted request), so
every process of the server shares one count: with 4 gunicorn workers a limit of 120 a minute
lets 120 through, not 4 x 120. Client addresses are hashed with the secret key: they are never
stored in clear. The client address is REMOTE_ADDR, or, behind EARFUL_TRUSTED_PROXIES=N proxies,
the N-th address from the right of X-Forwarded-For (the ones the proxies appended: the left-most
ones are whatever the client wrote).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

from earful.core.rows import write_lock
from earful.core.text import MAX_DEPTH, nests_deeper_than

PUBLIC_PREFIXES = ("/s/", "/api/v1/public/", "/f/", "/widget")
STATIC = frozenset({"/widget.js"})  # loaded with every page of a customer's site: not counted


@dataclass(frozen=True)
class Limit:
    count: int  # 0 = no limit
    seconds: int

    @classmethod
    def parse(cls, text: str, name: str) -> Limit:
        """`120/60` = 120 requests per 60 seconds; `0` turns the limit off."""
        if text.strip() == "0":
            return cls(0, 1)
        try:
            count, seconds = (int(part) for part in text.split("/"))
        except ValueError:
            raise ValueError(f"{name}={text!r}: expected COUNT/SECONDS, e.g. 120/60") from None
        if count < 0 or seconds < 1:
            raise ValueError(f"{name}={text!r}: COUNT >= 0 and SECONDS >= 1")
        return cls(count, seconds)


def _json(status: int, field: str, message: str) -> HttpResponse:
    body = json.dumps({"detail": [{"field": field, "message": message}]})
    return HttpResponse(body, status=status, content_type="application/json")


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind EARFUL_TRUSTED_PROXIES=N proxies the N-th address from the right
    of X-Forwarded-For: each proxy appends the address it was reached from, so the right-most N
    are written by proxies we run and everything left of them by the client."""
    proxies = settings.EARFUL_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return str(request.META.get("REMOTE_ADDR", ""))


def _anonymous(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:24]


def seconds_until_allowed(scope: str, who: str, limit: Limit, now: float | None = None) -> int:
    """Counts one request; 0 when allowed, else the seconds until the window resets."""
    if limit.count == 0:
        return 0
    now = time.time() if now is None else now
    until = (int(now // limit.seconds) + 1) * limit.seconds
    count = count_request(f"{scope}:{_anonymous(who)}", until)
    if count <= limit.count:
        return 0
    return max(1, int(until - now))


def count_request(key: str, until: int) -> int:
    """One more request under `key` in the window ending at `until`; the window's count so far.
    One statement, atomic on both databases (an upsert), so every process of the server counts
    into the same row; on SQLite after `core.rows.write_lock`, as every writer."""
    with write_lock(), connection.cursor() as cursor:
        cursor.execute(_COUNT, [key, until])
        (count,) = cursor.fetchone()
        if random.random() < _FORGET_EVERY:
            cursor.execute(_FORGET, [int(until) - _FORGET_AFTER])
    return int(count)


_COUNT = """
INSERT INTO core_ratecount ("key", "until", "count") VALUES (%s, %s, 1)
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN core_ratecount."until" = excluded."until"
                   THEN core_ratecount."count" + 1 ELSE 1 END,
    "until" = excluded."until"
RETURNING "count"
"""
_FORGET = 'DELETE FROM core_ratecount WHERE "until" < %s'
_FORGET_EVERY = 0.001  # about one request in a thousand deletes the idle rows
_FORGET_AFTER = 86_400  # rows whose window ended a day ago


class AbuseLimitMiddleware:
    """Public doors: body size and per-address rate. The API: per-token rate."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.public = Limit.parse(settings.EARFUL_RATE_LIMIT_PUBLIC, "EARFUL_RATE_LIMIT_PUBLIC")
        self.token = Limit.parse(settings.EARFUL_RATE_LIMIT_TOKEN, "EARFUL_RATE_LIMIT_TOKEN")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._refusal(request)
        return refused if refused is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path
        refused = _body_refusal(request, path)
        if refused is not None:
            return refused
        if path.startswith(PUBLIC_PREFIXES) and request.method != "OPTIONS" and path not in STATIC:
            wait = seconds_until_allowed("public", client_address(request), self.public)
            return _too_many(wait) if wait else None
        authorization = request.META.get("HTTP_AUTHORIZATION", "")
        if path.startswith("/api/") and authorization:
            wait = seconds_until_allowed("token", authorization, self.token)
            return _too_many(wait) if wait else None
        return None


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 1 << 62  # unreadable: treated as too large


_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def _body_refusal(request: HttpRequest, path: str) -> HttpResponse | None:
    """Bodies too large (413) or, for the API's JSON, nested too deep (400), refused before any
    parsing: Python's JSON parser recurses, and a few KB of `[` exhausted its stack."""
    public = path.startswith(PUBLIC_PREFIXES)
    api = path.startswith("/api/")
    if not (public or api) or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    limit = settings.EARFUL_PUBLIC_MAX_BODY_BYTES if public else settings.EARFUL_API_MAX_BODY_BYTES
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith(_FORMS) and not public:
        return None  # uploads (imports): Django's own limits apply
    if _declared_length(request) > limit:
        return _json(413, "body", f"at most {limit} bytes")
    if api and nests_deeper_than(request.body, MAX_DEPTH):
        return _json(400, "body", f"nests deeper than {MAX_DEPTH} levels")
    return None


def _too_many(wait: int) -> HttpResponse:
    response = _json(429, "rate", f"too many requests: try again in {wait} s")
    response["Retry-After"] = str(wait)
    return response
