"""The one place an outbound webhook request is made, through the outbound guard: POST, no
redirects followed, a short timeout, the answer's body never read beyond a little and never
stored or shown."""

from __future__ import annotations

from earful.core import outbound

USER_AGENT = "Earful-Webhooks/1"


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """The receiver's status code; raises OSError when there was no answer or the URL is
    refused by the outbound guard (earful/core/outbound.py: public addresses only, checked on
    the address connected to, no redirects, a short timeout, a capped answer)."""
    try:
        return outbound.post(url, body, {**headers, "User-Agent": USER_AGENT})
    except outbound.OutboundFailed as exc:
        if exc.status is not None:
            return exc.status
        raise
    except outbound.OutboundRefused as exc:
        raise OSError(f"refused: the URL {exc}") from exc
