"""Standard Webhooks (standardwebhooks.com) signatures: what a receiver checks.

    webhook-id:        the event's id (msg_...), the same on every retry: drop duplicates by it
    webhook-timestamp: Unix seconds of this attempt
    webhook-signature: v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>

The secret is shown as `whsec_<base64>`; the key is the base64-decoded part."""

from __future__ import annotations

import base64
import hashlib
import hmac


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, event_id, timestamp, body),
    }


def verify(secret: str, event_id: str, timestamp: int, body: bytes, signature: str) -> bool:
    """What a receiver does (and the tests): any of the space-separated signatures matches."""
    expected = sign(secret, event_id, timestamp, body)
    return any(hmac.compare_digest(expected, s) for s in signature.split())
