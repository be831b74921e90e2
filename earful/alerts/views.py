"""The alerts pages: rules (create, edit, disable, delete), destinations, recent alerts with
their delivery status, one alert. Reading needs the dashboards permission; changing rules and
destinations needs the edit-surveys one (as the widget settings)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from earful.accounts.access import member_required
from earful.accounts.models import Member
from earful.accounts.roles import Permission
from earful.alerts import selectors, services
from earful.alerts.forms import DestinationForm, RuleForm
from earful.alerts.models import AlertRule, RuleKind
from earful.alerts.services.parameters import KIND_DESCRIPTIONS, describe_parameters

EDIT = Permission.EDIT_SURVEYS
READ = Permission.VIEW_DASHBOARDS


def _member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined]


@member_required(READ)
def index(request: HttpRequest) -> HttpResponse:
    organization = _member(request).organization
    rules = list(selectors.list_rules(organization))
    for rule in rules:  # the settings as a sentence, not `nps_at_most=6, other_scales=True`
        rule.described = describe_parameters(rule.kind, rule.parameters)  # type: ignore[attr-defined]
    context = {
        "rules": rules,
        "alerts": selectors.recent_alerts(organization),
        "digests": selectors.recent_digests(organization),
        "can_edit": _member(request).can(EDIT),
    }
    return render(request, "alerts/index.html", context)


def _save_rule(request: HttpRequest, form: RuleForm, rule: AlertRule | None) -> AlertRule | None:
    if not form.is_valid():
        return None
    fields = {
        "name": form.cleaned_data["name"],
        "parameters": form.parameters(),
        "destination_ids": form.destination_ids(),
        "enabled": form.cleaned_data["enabled"],
        "open_case": form.cleaned_data["open_case"],
    }
    member = _member(request)
    try:
        if rule is None:
            return services.create_rule(
                organization=member.organization, kind=form.kind, created_by=member, **fields
            )
        return services.update_rule(rule=rule, **fields)
    except services.AlertsInvalid as exc:
        form.add_service_errors(exc.errors)
        return None


@member_required(EDIT)
def rule_new(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or request.GET.get("kind", "")
    if kind not in RuleKind.values:
        choices = [(k, label, KIND_DESCRIPTIONS[k]) for k, label in RuleKind.choices]
        return render(request, "alerts/rule_kinds.html", {"kinds": choices})
    organization_id = _member(request).organization_id
    form = RuleForm(request.POST or None, kind=kind, organization_id=organization_id)
    if request.method == "POST" and (rule := _save_rule(request, form, None)):
        messages.success(request, f"Rule “{rule.name}” created.")
        return redirect("alerts:index")
    context = {"form": form, "kind": RuleKind(kind), "rule": None}
    return render(request, "alerts/rule_form.html", context, status=422 if form.errors else 200)


@member_required(EDIT)
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    member = _member(request)
    rule = selectors.access_rule(member, rule_id)
    form = RuleForm(
        request.POST or None,
        initial=RuleForm.initial_of(rule),
        kind=rule.kind,
        organization_id=member.organization_id,
    )
    if request.method == "POST" and _save_rule(request, form, rule):
        messages.success(request, f"Rule “{rule.name}” saved.")
        return redirect("alerts:index")
    context = {"form": form, "kind": RuleKind(rule.kind), "rule": rule}
    return render(request, "alerts/rule_form.html", context, status=422 if form.errors else 200)


@require_POST
@member_required(EDIT)
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.access_rule(_member(request), rule_id)
    services.update_rule(rule=rule, enabled=not rule.enabled)
    state = "enabled" if rule.enabled else "disabled"
    messages.success(request, f"Rule “{rule.name}” {state}.")
    return redirect("alerts:index")


@require_POST
@member_required(EDIT)
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = selectors.access_rule(_member(request), rule_id)
    services.delete_rule(rule=rule)
    messages.success(request, f"Rule “{rule.name}” deleted with its alerts.")
    return redirect("alerts:index")


def _create_destination(request: HttpRequest, form: DestinationForm) -> bool:
    if not form.is_valid():
        return False
    try:
        destination = services.create_destination(
            organization=_member(request).organization,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            emails=form.email_list(),
            url=form.cleaned_data["url"],
        )
    except services.AlertsInvalid as exc:
        form.add_service_errors(exc.errors)
        return False
    messages.success(request, f"Destination “{destination.name}” added.")
    return True


@member_required(EDIT)
def destinations(request: HttpRequest) -> HttpResponse:
    form = DestinationForm(request.POST or None)
    if request.method == "POST" and _create_destination(request, form):
        return redirect("alerts:destinations")
    listed = selectors.list_destinations(_member(request).organization)
    context = {"form": form, "destinations": listed}
    status = 422 if form.errors else 200
    return render(request, "alerts/destinations.html", context, status=status)


@require_POST
@member_required(EDIT)
def destination_toggle(request: HttpRequest, destination_id: int) -> HttpResponse:
    destination = selectors.access_destination(_member(request), destination_id)
    services.set_destination_enabled(destination=destination, enabled=not destination.enabled)
    return redirect("alerts:destinations")


@require_POST
@member_required(EDIT)
def destination_delete(request: HttpRequest, destination_id: int) -> HttpResponse:
    destination = selectors.access_destination(_member(request), destination_id)
    services.delete_destination(destination=destination)
    messages.success(request, f"Destination “{destination.name}” deleted.")
    return redirect("alerts:destinations")


@member_required(READ)
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.access_alert(_member(request), alert_id)
    context = {"alert": alert, "can_edit": _member(request).can(EDIT)}
    return render(request, "alerts/alert.html", context)


@require_POST
@member_required(EDIT)
def delivery_retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.access_delivery(_member(request), delivery_id)
    if services.retry_delivery(delivery=delivery, now=timezone.now()):
        messages.success(request, "The delivery will be tried again at the next round.")
    if delivery.alert_id is None:
        return redirect("alerts:index")
    return redirect("alerts:alert", alert_id=delivery.alert_id)
