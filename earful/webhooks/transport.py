"""The one place an outbound webhook request is made: POST, no redirects followed, a short
timeout, the answer's body never read beyond a little and never stored or shown."""

from __future__ import annotations

import urllib.error
import urllib.request

TIMEOUT = 10  # seconds
USER_AGENT = "Earful-Webhooks/1"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 3xx is an answer like any other, never followed


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """The receiver's status code; raises OSError when there was no answer."""
    request = urllib.request.Request(
        url, data=body, headers={**headers, "User-Agent": USER_AGENT}, method="POST"
    )
    try:
        with _opener.open(request, timeout=TIMEOUT) as answer:
            answer.read(1024)
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
