"""A real HTTP receiver on 127.0.0.1, in a thread, as a customer's endpoint would be: it
checks the signature itself (HMAC-SHA256 of "t.body"), keeps each idempotency key once, and
can be told to fail (500) or to take requests again."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def key(self) -> str:
        return self.headers.get("Idempotency-Key", "")


@dataclass
class Receiver:
    secret: str = ""
    failing: bool = False  # answer 500 to everything
    requests: list[Request] = field(default_factory=list)  # every request that came in
    kept: dict[str, Request] = field(default_factory=dict)  # by idempotency key, first one
    forged: int = 0

    def signature_ok(self, request: Request) -> bool:
        parts = dict(p.split("=", 1) for p in request.headers["X-Earful-Signature"].split(","))
        signed = parts["t"].encode() + b"." + request.body
        expected = hmac.new(self.secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts["v1"])

    def take(self, request: Request) -> int:
        self.requests.append(request)
        if self.failing:
            return 500
        if self.secret and not self.signature_ok(request):
            self.forged += 1
            return 401
        self.kept.setdefault(request.key or f"#{len(self.requests)}", request)
        return 200


class _Handler(BaseHTTPRequestHandler):
    receiver: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status = self.receiver.take(Request(self.path, dict(self.headers.items()), body))
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"receiver says no")

    def log_message(self, *args: Any) -> None:  # quiet
        return


class Server:
    """`with Server(receiver, port) as url:` serves until the block ends."""

    def __init__(self, receiver: Receiver, port: int = 0) -> None:
        handler = type("Handler", (_Handler,), {"receiver": receiver})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/earful"

    def __enter__(self) -> str:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
