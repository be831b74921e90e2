"""What goes out and how: email through Django's backend, Slack-compatible JSON to a chat
webhook, signed JSON to a generic webhook. Only a 2xx answer counts as delivered.

Signature of a generic webhook (docs/user/alerts.md shows how to check it):
    X-Earful-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
    Idempotency-Key: <the delivery's key, the same on every retry>
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from earful.alerts.models import Alert, Delivery, DeliveryKind, Destination, DestinationKind
from earful.core import outbound

USER_AGENT = "Earful-Alerts/1"


class DeliveryError(Exception):
    """The destination did not take it (its answer, or why there was none)."""


@dataclass(frozen=True)
class Message:
    """One delivery's content, built the same on every attempt."""

    key: str
    kind: str  # alert | digest
    subject: str
    text: str
    payload: dict[str, Any]  # the webhook body
    alerts: Sequence[Alert]


def alert_payload(alert: Alert) -> dict[str, Any]:
    item = alert.item
    return {
        "id": alert.pk,
        "rule": {"id": alert.rule_id, "name": alert.rule.name, "kind": alert.kind},
        "summary": alert.summary,
        "text": alert.text,
        "link": alert.link,
        "source_url": alert.source_url or None,
        "fired_at": alert.fired_at.isoformat(),
        "item_id": alert.item_id,
        "channel": item.channel if item else None,
        "theme_id": alert.theme_id,
        "details": alert.details,
    }


def compose(delivery: Delivery, alerts: Sequence[Alert]) -> Message:
    """The message of an alert delivery, or of a digest with its `alerts` (oldest first)."""
    if delivery.kind == DeliveryKind.ALERT:
        [alert] = alerts
        single: dict[str, Any] = {
            "type": "alert",
            "delivery": delivery.idempotency_key,
            "alert": alert_payload(alert),
        }
        body = f"{alert.text}\n\n{alert.link}"
        if alert.source_url:
            body += f"\nSource: {alert.source_url}"
        subject = f"[Earful] {alert.summary}"
        return Message(delivery.idempotency_key, "alert", subject, body, single, alerts)
    subject = f"[Earful] Digest: {len(alerts)} alert{'s' if len(alerts) != 1 else ''} held back"
    lines = [
        f"{len(alerts)} alerts fired after the hourly limit for this destination was reached; "
        "here they are in one message instead of many.",
        "",
        *(
            f"- {a.fired_at:%Y-%m-%d %H:%M} UTC · {a.rule.name}: {a.summary}\n  {a.link}"
            for a in alerts
        ),
    ]
    payload: dict[str, Any] = {
        "type": "digest",
        "delivery": delivery.idempotency_key,
        "count": len(alerts),
        "alerts": [alert_payload(a) for a in alerts],
    }
    text = "\n".join(lines)
    return Message(delivery.idempotency_key, "digest", subject, text, payload, alerts)


def _mrkdwn(text: str) -> str:
    """Slack's three escapes; the rest of the text is taken as it is."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chat_payload(message: Message) -> dict[str, Any]:
    """Slack-compatible (also read by Mattermost, Rocket.Chat, Discord's /slack endpoint):
    `text` for notifications and plain clients, `blocks` for the layout."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.subject[:150]}},
    ]
    if message.kind == "alert":
        [alert] = message.alerts
        links = f"<{alert.link}|Open in Earful>"
        if alert.source_url:
            links += f" · <{alert.source_url}|Source>"
        blocks += [
            {"type": "section", "text": {"type": "mrkdwn", "text": _mrkdwn(alert.text)[:3000]}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"{_mrkdwn(alert.rule.name)} · {links}"}],
            },
        ]
        return {"text": alert.summary, "blocks": blocks}
    for chunk in _chunks([f"• <{a.link}|{_mrkdwn(a.summary)}>" for a in message.alerts]):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    return {"text": message.subject, "blocks": blocks[:50]}  # Slack takes 50 blocks


def _chunks(lines: list[str], size: int = 2900) -> list[str]:
    """Whole lines, joined up to `size` characters a chunk (a section holds 3,000)."""
    chunks: list[str] = []
    for line in lines:
        line = line[:size]
        if chunks and len(chunks[-1]) + 1 + len(line) <= size:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Earful-Signature value for this body at this time."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300
) -> bool:
    """What a receiver does (and the tests): the signature matches and is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    expected = sign(secret, timestamp, body)
    return hmac.compare_digest(expected, header) and abs(now - timestamp) <= tolerance


def post_json(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POSTs through the outbound guard (earful/core/outbound.py: public addresses only, no
    redirects, short timeout, capped answer); returns the 2xx status, or raises DeliveryError
    with the status code and a reason in our words (the receiver's body is never kept)."""
    try:
        return outbound.post(
            url, body, {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
        )
    except outbound.OutboundRefused as exc:
        raise DeliveryError(f"refused: the URL {exc}") from exc
    except outbound.OutboundFailed as exc:
        raise DeliveryError(str(exc)) from exc


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def transmit(destination: Destination, message: Message, *, now: datetime) -> None:
    """Sends the message to the destination; raises DeliveryError (or the mail backend's
    error) when it was not taken."""
    if destination.kind == DestinationKind.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=list(destination.emails),
            headers={"X-Earful-Idempotency-Key": message.key},
        )
        email.send()
        return
    if destination.kind == DestinationKind.CHAT:
        post_json(destination.url, _json(chat_payload(message)), {})
        return
    body = _json(message.payload)
    headers = {
        "X-Earful-Signature": sign(destination.secret, int(now.timestamp()), body),
        "Idempotency-Key": message.key,
    }
    post_json(destination.url, body, headers)
