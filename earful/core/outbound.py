"""The one door for requests Earful sends to a URL a user typed (alert chat webhooks, signed
webhooks; any later sender goes through here too).

A URL is refused unless it is http(s) with a host whose every address is public: loopback,
link-local (169.254/16, fe80::/10: the cloud metadata service), private (10/8, 172.16/12,
192.168/16, fc00::/7), CGNAT (100.64/10), multicast, reserved and unspecified addresses are
refused, IPv4 written inside IPv6 as well. The check runs when a destination is saved and again
at every send; at send time the connection goes to the address that was checked (never a second
lookup), so a DNS answer that changes between check and connect cannot win. Redirects are not
followed (a 3xx is an answer like any other non-2xx), every request has a short timeout, and at
most MAX_RESPONSE_BYTES of the answer are read. The remote answer's body is never handed back:
callers get the status code and a reason in Earful's own words.

`EARFUL_ALLOW_PRIVATE_DESTINATIONS=true` lets a self-hoster reach a receiver on their own
network (the scheme, timeout and size cap still hold).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT = 5.0  # seconds, to connect and then between reads
MAX_RESPONSE_BYTES = 64 * 1024
TOTAL_SECONDS = 15.0  # the whole answer, however slowly it comes
USER_AGENT = "Earful/1"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(ValueError):
    """The URL may not be sent to; the message says why in plain words (no remote text)."""


class OutboundFailed(OSError):
    """The request went out and did not get a 2xx answer; `status` is the code (None when
    there was no answer). The message is Earful's own words, never the remote body."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as typed (the Host header and the TLS name)
    port: int
    path: str  # path and query, "/" at least
    addresses: tuple[Address, ...]  # every address the host resolved to, each checked


def private_allowed() -> bool:
    return bool(getattr(settings, "EARFUL_ALLOW_PRIVATE_DESTINATIONS", False))


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses, as the operating system's resolver gives them (the edge of the
    outside world: tests replace this function)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public(address: Address) -> bool:
    """True for an address on the public internet; False for every range listed above."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return is_public(embedded)
        if address.teredo is not None:
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise OutboundRefused("is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise OutboundRefused("must be an http:// or https:// URL")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise OutboundRefused("has no host name")
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused("must not carry a user name or password")
    port = port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port, path


def _checked(host: str, addresses: list[str]) -> tuple[Address, ...]:
    parsed = tuple(ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses)
    if not parsed:
        raise OutboundRefused(f"{host} did not resolve to any address")
    if private_allowed():
        return parsed
    for address in parsed:
        if not is_public(address):
            raise OutboundRefused(
                f"points at {address}, an address on a private or reserved network "
                "(Earful only sends to public addresses)"
            )
    return parsed


def check_url(url: str, *, resolve_names: bool = True) -> Target | None:
    """Raises OutboundRefused when the URL may not be sent to. A host written as an address is
    always checked; a name is resolved and each of its addresses checked. With
    `resolve_names=False`, or when the name does not resolve now, a name passes with no
    addresses (None is returned): the send checks again."""
    scheme, host, port, path = _split(url)
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        return Target(scheme, host, port, path, _checked(host, [str(literal)]))
    local = host.lower() == "localhost" or host.lower().endswith(".localhost")
    if local and not private_allowed():
        raise OutboundRefused("points at this machine (localhost)")
    if not resolve_names:
        return None
    try:
        found = resolve(host, port)
    except (OSError, UnicodeError):
        return None
    return Target(scheme, host, port, path, _checked(host, found))


def target(url: str) -> Target:
    """The checked target of a send: resolved now; a name that does not resolve is a failure."""
    checked = check_url(url)
    if checked is None:
        raise OutboundFailed("the receiver's host name did not resolve")
    return checked


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address, whatever the name would resolve to now."""

    def __init__(self, address: Address, host: str, port: int) -> None:
        super().__init__(host, port, timeout=TIMEOUT)
        self._address = str(address)

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), timeout=TIMEOUT)


class _PinnedHTTPS(_PinnedHTTP):
    """TLS to the checked address, the certificate verified against the host name typed."""

    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "no answer from the receiver: it timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "no answer from the receiver: connection refused"
    if isinstance(exc, ssl.SSLError):
        return "no answer from the receiver: the TLS handshake failed"
    return "no answer from the receiver: the connection failed"


def _drain(answer: http.client.HTTPResponse) -> None:
    """Reads the answer up to MAX_RESPONSE_BYTES and TOTAL_SECONDS (a slow drip is cut)."""
    deadline = time.monotonic() + TOTAL_SECONDS
    left = MAX_RESPONSE_BYTES
    while left > 0 and time.monotonic() < deadline:
        chunk = answer.read1(min(left, 8192))
        if not chunk:
            return
        left -= len(chunk)


def _connected(checked: Target) -> http.client.HTTPConnection:
    """A connection to the first checked address that takes one."""
    connection_class = _PinnedHTTPS if checked.scheme == "https" else _PinnedHTTP
    last_error: OSError | None = None
    for address in checked.addresses:
        connection = connection_class(address, checked.host, checked.port)
        try:
            connection.connect()
        except OSError as exc:
            connection.close()
            last_error = exc
            continue
        return connection
    assert last_error is not None
    raise OutboundFailed(_reason(last_error)) from last_error


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POSTs `body` to the checked URL; returns the 2xx status. Raises OutboundRefused (the
    URL may not be sent to) or OutboundFailed (no answer, or an answer that is not 2xx,
    redirects included)."""
    checked = target(url)
    connection = _connected(checked)
    try:
        connection.request(
            "POST", checked.path, body=body, headers={"User-Agent": USER_AGENT, **headers}
        )
        answer = connection.getresponse()
        status = int(answer.status)
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise OutboundFailed(_reason(exc)) from exc
    try:
        with contextlib.suppress(OSError, http.client.HTTPException):  # the status counts
            _drain(answer)  # up to the cap, so the connection ends cleanly; never shown
    finally:
        connection.close()
    if not 200 <= status < 300:
        raise OutboundFailed(f"the receiver answered {status}", status)
    return status
