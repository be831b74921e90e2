"""A real HTTP receiver on 127.0.0.1 in a thread: it checks Standard Webhooks signatures and
can be told to fail."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from earful.webhooks.signing import verify


@dataclass
class Receiver:
    secret: str = ""
    failing: bool = False
    seen: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def take(self, headers: dict[str, str], body: bytes) -> int:
        signed = verify(
            self.secret,
            headers["webhook-id"],
            int(headers["webhook-timestamp"]),
            body,
            headers["webhook-signature"],
        )
        self.seen.append({"id": headers["webhook-id"], "signed": signed, **json.loads(body)})
        return 500 if self.failing else 200


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.take({k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"secret stack trace of the receiver")

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
