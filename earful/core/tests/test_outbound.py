"""The outbound guard: a URL a user typed reaches only public addresses, checked at send time
on the address actually connected to, with no redirects, a timeout and a capped answer.
Receivers are real HTTP servers on 127.0.0.1 (reachable only with the setting on); the
resolver, the edge of the outside world, is replaced where a name must point somewhere."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from earful.core import outbound

REFUSED = [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:5432/",
    "http://[::1]:6379/",
    "http://10.0.0.1/hook",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://224.0.0.1/",  # multicast
    "http://0.0.0.0:8000/",
    "http://240.0.0.1/",  # reserved
    "http://[::ffff:127.0.0.1]/",  # IPv4 inside IPv6
    "http://2130706433/",  # 127.0.0.1 written as one number
    "http://localhost:8000/",
]


@pytest.fixture
def names(monkeypatch) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        if host in table:
            return table[host]
        try:  # an address written as a number still goes through the system's parser
            return [socket.inet_ntoa(socket.inet_aton(host))]
        except OSError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None

    monkeypatch.setattr(outbound, "resolve", resolve)
    table["__calls__"] = calls  # type: ignore[assignment]
    return table


class _Handler(BaseHTTPRequestHandler):
    answer: tuple[int, dict[str, str], bytes] = (200, {}, b"ok")
    seen: list[tuple[str, dict[str, str]]]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.seen.append((self.path, dict(self.headers.items())))
        status, headers, body = self.answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client stopped reading at its cap
            self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return


class Receiver:
    def __init__(self, status: int = 200, headers: dict[str, str] | None = None, body=b"ok"):
        self.seen: list[tuple[str, dict[str, str]]] = []
        handler = type(
            "H", (_Handler,), {"answer": (status, headers or {}, body), "seen": self.seen}
        )
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    started: list[Receiver] = []
    yield started
    for receiver in started:
        receiver.close()


@pytest.mark.parametrize("url", REFUSED)
def test_a_url_pointing_at_a_private_or_reserved_address_is_refused(url, names):
    with pytest.raises(outbound.OutboundRefused):
        outbound.check_url(url)


@pytest.mark.parametrize("url", ["ftp://hooks.example.com/", "file:///etc/passwd", "gopher://x"])
def test_only_http_and_https_urls_are_taken(url, names):
    with pytest.raises(outbound.OutboundRefused, match="http:// or https://"):
        outbound.check_url(url)


def test_a_name_resolving_to_a_private_address_is_refused_when_checked(names):
    names["hooks.corp.example"] = ["93.184.216.34", "10.1.2.3"]
    with pytest.raises(outbound.OutboundRefused, match=r"10\.1\.2\.3"):
        outbound.check_url("https://hooks.corp.example/earful")


def test_a_public_name_passes_and_a_name_that_does_not_resolve_is_left_to_the_send(names):
    names["hooks.example.com"] = ["93.184.216.34"]
    assert outbound.check_url("https://hooks.example.com/x").addresses[0].exploded == (
        "93.184.216.34"
    )
    assert outbound.check_url("https://nowhere.invalid/x") is None
    with pytest.raises(outbound.OutboundFailed, match="did not resolve"):
        outbound.post("https://nowhere.invalid/x", b"{}", {})


def test_nothing_is_sent_to_a_private_address_at_send_time(names, receivers):
    receiver = Receiver()
    receivers.append(receiver)
    with pytest.raises(outbound.OutboundRefused):
        outbound.post(f"http://127.0.0.1:{receiver.port}/", b"{}", {})
    assert receiver.seen == []


def test_a_name_that_turns_private_after_it_was_saved_is_refused_at_send_time(names, receivers):
    """DNS rebinding: the name was public when the destination was saved."""
    receiver = Receiver()
    receivers.append(receiver)
    names["hooks.rebind.example"] = ["93.184.216.34"]
    url = f"http://hooks.rebind.example:{receiver.port}/hook"
    outbound.check_url(url)
    names["hooks.rebind.example"] = ["127.0.0.1"]
    with pytest.raises(outbound.OutboundRefused, match=r"127\.0\.0\.1"):
        outbound.post(url, b"{}", {})
    assert receiver.seen == []


def test_the_send_connects_to_the_address_it_checked_without_a_second_lookup(
    names, receivers, settings
):
    settings.EARFUL_ALLOW_PRIVATE_DESTINATIONS = True
    receiver = Receiver()
    receivers.append(receiver)
    names["receiver.internal"] = ["127.0.0.1"]
    calls = names["__calls__"]
    status = outbound.post(f"http://receiver.internal:{receiver.port}/in", b"{}", {"X-A": "1"})
    assert status == 200
    assert calls == ["receiver.internal"]  # one lookup, then the connection to its answer
    path, headers = receiver.seen[0]
    assert (path, headers["Host"], headers["X-A"]) == (
        "/in",
        f"receiver.internal:{receiver.port}",
        "1",
    )


def test_a_redirect_is_not_followed_and_counts_as_a_failure(names, receivers, settings):
    settings.EARFUL_ALLOW_PRIVATE_DESTINATIONS = True
    metadata = Receiver()
    redirecting = Receiver(302, {"Location": f"http://127.0.0.1:{metadata.port}/latest/"})
    receivers += [metadata, redirecting]
    with pytest.raises(outbound.OutboundFailed, match="answered 302") as failed:
        outbound.post(f"http://127.0.0.1:{redirecting.port}/", b"{}", {})
    assert failed.value.status == 302
    assert metadata.seen == []


def test_a_failure_says_the_status_and_never_the_receivers_body(names, receivers, settings):
    settings.EARFUL_ALLOW_PRIVATE_DESTINATIONS = True
    receiver = Receiver(500, body=b"AKIA-SECRET-KEY from the metadata service")
    receivers.append(receiver)
    with pytest.raises(outbound.OutboundFailed) as failed:
        outbound.post(f"http://127.0.0.1:{receiver.port}/", b"{}", {})
    assert str(failed.value) == "the receiver answered 500"


def test_a_large_answer_is_read_only_up_to_the_cap(names, receivers, settings, monkeypatch):
    settings.EARFUL_ALLOW_PRIVATE_DESTINATIONS = True
    receiver = Receiver(200, body=b"x" * (8 * 1024 * 1024))
    receivers.append(receiver)
    read: list[int] = []
    original = outbound._drain

    def counting(answer):
        real_read1 = answer.read1
        answer.read1 = lambda n: read.append(len(chunk := real_read1(n))) or chunk
        return original(answer)

    monkeypatch.setattr(outbound, "_drain", counting)
    assert outbound.post(f"http://127.0.0.1:{receiver.port}/", b"{}", {}) == 200
    assert sum(read) <= outbound.MAX_RESPONSE_BYTES


def test_a_refused_connection_is_reported_in_our_words(names, settings):
    settings.EARFUL_ALLOW_PRIVATE_DESTINATIONS = True
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(outbound.OutboundFailed, match="connection refused"):
        outbound.post(f"http://127.0.0.1:{port}/", b"{}", {})


@pytest.mark.parametrize("url", REFUSED)
def test_the_setting_lets_a_self_hoster_reach_their_own_network(url, names, settings):
    settings.EARFUL_ALLOW_PRIVATE_DESTINATIONS = True
    outbound.check_url(url)


def test_a_url_with_a_password_in_it_is_refused(names):
    with pytest.raises(outbound.OutboundRefused, match="password"):
        outbound.check_url("https://user:pw@hooks.example.com/")
