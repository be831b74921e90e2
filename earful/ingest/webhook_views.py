"""The inbound webhook door, /hooks/<source>/<connection id>/ (services/webhooks.py does the
work). No session and no CSRF token: the HMAC signature is the request's proof."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from earful.core.api_errors import error_body
from earful.core.ratelimit import client_address
from earful.ingest.services import webhooks


@csrf_exempt  # signed by the sender's secret; there is no cookie to ride
@require_POST
def receive(request: HttpRequest, source: str, connection_id: int) -> JsonResponse:
    """202 once the request is stored (its items are written in the background); 4xx with the
    field and reason when it is refused."""
    try:
        receipt = webhooks.receive_webhook(
            source_name=source,
            connection_id=connection_id,
            signature=request.headers.get(webhooks.SIGNATURE_HEADER, ""),
            body=request.body if _declared_length(request) <= webhooks.MAX_BODY_BYTES else None,
            remote_addr=client_address(request),
        )
    except webhooks.WebhookRefused as refused:
        body = error_body([(refused.field, refused.reason)])
        return JsonResponse(body, status=refused.status)
    return JsonResponse({"receipt": receipt.pk, "status": "accepted"}, status=202)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return webhooks.MAX_BODY_BYTES + 1  # unreadable: treated as too large
