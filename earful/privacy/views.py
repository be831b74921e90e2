"""Pages: exports, one customer's data and erasure, the audit log."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date

from earful.accounts.access import member_required
from earful.accounts.roles import Permission
from earful.customers.selectors import access_customer
from earful.privacy import retention, selectors, services
from earful.privacy.downloads import download, member_actor
from earful.privacy.formats import FORMATS
from earful.surveys.selectors import access_survey, list_surveys

AUDIT_PAGE = 100


def _format(request: HttpRequest) -> str:
    chosen = request.GET.get("format", "csv")
    if chosen not in FORMATS:
        raise Http404("unknown format")
    return chosen


@member_required(Permission.EXPORT_DATA)
def export_index(request: HttpRequest) -> HttpResponse:
    surveys = list_surveys(request.member.organization)  # type: ignore[attr-defined]
    return render(request, "privacy/exports.html", {"surveys": surveys})


def _download(request: HttpRequest, export: selectors.Export, target: str) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    bom = request.GET.get("bom") == "1"
    streamed = download(request, member, export, _format(request), bom, target)
    return streamed  # type: ignore[return-value]  # a streamed response serves as one


@member_required(Permission.EXPORT_DATA)
def export_survey(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = access_survey(request.member, survey_id)  # type: ignore[attr-defined]
    return _download(request, selectors.response_export(survey), f"survey:{survey_id}")


@member_required(Permission.EXPORT_DATA)
def export_feedback(request: HttpRequest) -> HttpResponse:
    export = selectors.item_export(request.member.organization)  # type: ignore[attr-defined]
    return _download(request, export, "feedback")


@member_required(Permission.EXPORT_DATA)
def export_customers(request: HttpRequest) -> HttpResponse:
    export = selectors.customer_export(request.member.organization)  # type: ignore[attr-defined]
    return _download(request, export, "customers")


@member_required(Permission.ERASE_CUSTOMERS)
def customer_rights(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = access_customer(request.member, customer_id)  # type: ignore[attr-defined]
    held = selectors.summary_lines(selectors.customer_data(customer))
    return render(request, "privacy/customer.html", {"customer": customer, "held": held})


@member_required(Permission.ERASE_CUSTOMERS)
def customer_data(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = access_customer(request.member, customer_id)  # type: ignore[attr-defined]
    actor = member_actor(request, request.member)  # type: ignore[attr-defined]
    data = services.export_customer_data(customer=customer, actor=actor)
    response = HttpResponse(
        json.dumps(data, indent=2, default=str, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    return response


@member_required(Permission.ERASE_CUSTOMERS)
def customer_erase(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = access_customer(request.member, customer_id)  # type: ignore[attr-defined]
    if request.method != "POST":
        return redirect("privacy:customer", customer_id=customer.pk)
    typed = request.POST.get("confirm", "").strip().lower()
    if typed not in {customer.external_id.lower(), customer.email.lower()} - {""}:
        held = selectors.summary_lines(selectors.customer_data(customer))
        context = {"customer": customer, "held": held, "confirm_error": True}
        return render(request, "privacy/customer.html", context, status=422)
    actor = member_actor(request, request.member)  # type: ignore[attr-defined]
    record = services.erase_customer(customer=customer, actor=actor)
    messages.success(
        request, f"Erased: {sum(record.rows.values())} rows in {len(record.rows)} tables."
    )
    return redirect("home:customers")


@member_required(Permission.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    since = parse_date(request.GET.get("since", "") or "") if request.GET.get("since") else None
    after = int(request.GET["after"]) if request.GET.get("after", "").isdigit() else 0
    events = selectors.audit_events(
        request.member.organization,  # type: ignore[attr-defined]
        action=request.GET.get("action", "")[:80],
        actor=request.GET.get("actor", "")[:254],
        since=since,  # type: ignore[arg-type]
        after=after,
    )
    page = list(events[: AUDIT_PAGE + 1])
    more = page[AUDIT_PAGE - 1].id if len(page) > AUDIT_PAGE else None
    context = {"events": page[:AUDIT_PAGE], "more": more, "filters": request.GET}
    return render(request, "privacy/audit.html", context)


@member_required(Permission.ERASE_CUSTOMERS)
def retention_settings(request: HttpRequest) -> HttpResponse:
    organization = request.member.organization  # type: ignore[attr-defined]
    error, status = "", 200
    if request.method == "POST":
        months = request.POST.get("raw_text_months", "").strip()
        try:
            value = int(months) if months else None
            retention.set_retention(organization=organization, raw_text_months=value)
            messages.success(request, "Saved. The worker applies it once a day.")
            return redirect("privacy:retention")
        except (ValueError, retention.RetentionInvalid):
            error, status = "A whole number of months from 1 to 600, or empty to keep.", 422
    policy = retention.retention_for(organization)
    return render(
        request, "privacy/retention.html", {"policy": policy, "error": error}, status=status
    )
