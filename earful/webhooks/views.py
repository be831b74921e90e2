"""Pages: the endpoints, one endpoint's delivery log, redeliver, a test ping."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from earful.accounts.access import member_required
from earful.accounts.roles import Permission
from earful.webhooks import selectors, services
from earful.webhooks.forms import EndpointForm

MANAGE = Permission.MANAGE_MEMBERS


@member_required(MANAGE)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    organization = request.member.organization  # type: ignore[attr-defined]
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.create_endpoint(organization=organization, data=form.cleaned_data)
        except services.EndpointInvalid as exc:
            for field, message in exc.errors:
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"Added. Its signing secret (shown once): {endpoint.secret}")
            return redirect("event_webhooks:detail", endpoint_id=endpoint.pk)
    endpoints = selectors.list_endpoints(organization)
    status = 422 if form.errors else 200
    return render(
        request, "webhooks/list.html", {"endpoints": endpoints, "form": form}, status=status
    )


@member_required(MANAGE)
def endpoint_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.access_endpoint(request.member, endpoint_id)  # type: ignore[attr-defined]
    deliveries = selectors.delivery_log(endpoint)[:100]
    return render(request, "webhooks/detail.html", {"endpoint": endpoint, "deliveries": deliveries})


@require_POST
@member_required(MANAGE)
def endpoint_action(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.access_endpoint(request.member, endpoint_id)  # type: ignore[attr-defined]
    action = request.POST.get("action")
    if action == "test":
        services.send_test_event(endpoint=endpoint)
        messages.success(request, "A test event is queued; the worker sends it within a minute.")
    elif action in {"enable", "disable"}:
        services.update_endpoint(endpoint=endpoint, data={"enabled": action == "enable"})
    elif action == "delete":
        endpoint.delete()
        return redirect("event_webhooks:list")
    return redirect("event_webhooks:detail", endpoint_id=endpoint.pk)


@require_POST
@member_required(MANAGE)
def delivery_redeliver(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.access_delivery(request.member, delivery_id)  # type: ignore[attr-defined]
    services.redeliver(delivery=delivery)
    messages.success(request, "Queued again; the worker sends it within a minute.")
    return redirect("event_webhooks:detail", endpoint_id=delivery.endpoint_id)
