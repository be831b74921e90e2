from __future__ import annotations

import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from earful.accounts.access import member_required
from earful.accounts.roles import Permission
from earful.customers import services
from earful.customers.forms import ImportForm


@member_required(Permission.IMPORT_CUSTOMERS)
def customer_import(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    report, error = None, None
    if posted and form.is_valid():
        text = io.TextIOWrapper(form.cleaned_data["file"].file, encoding="utf-8-sig")
        try:
            report = services.import_customers(
                organization=request.member.organization,  # type: ignore[attr-defined]
                rows=services.read_customer_csv(text),
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except services.CsvInvalid as exc:
            error = str(exc)
    failed = form.errors or error or (report and not report.applied)
    context = {"form": form, "report": report, "error": error}
    return render(request, "customers/import.html", context, status=422 if failed else 200)
