"""The health pages: overview (bands, freshness, the backtest), the lists, a customer's health,
loyalty; and two public pages (the customer's loyalty page by signed link, referral links)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from earful.accounts.access import member_required
from earful.accounts.models import Member
from earful.accounts.roles import Permission
from earful.health import selectors, tasks
from earful.health.reviews import review_invitation_policy
from earful.health.scoring import Band
from earful.health.services import loyalty, referrals, thanks

READ, WRITE = Permission.VIEW_CUSTOMERS, Permission.IMPORT_CUSTOMERS


def _member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined]


def _offset(request: HttpRequest) -> int:
    try:
        return max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return 0


@member_required(READ)
def overview(request: HttpRequest) -> HttpResponse:
    organization = _member(request).organization
    band = request.GET.get("band", "")
    band = band if band in Band.LABELS else ""
    view = selectors.overview(organization)
    context = {
        "view": view,
        "labels": Band.LABELS,
        "band": band,
        "lowest": selectors.list_by_score(organization, band=band, limit=30),
        "accounts": selectors.accounts_health(organization, limit=20),
        "fit": (view.state.fit if view.state else {}) or {},
        "can_edit": _member(request).can(WRITE),
    }
    return render(request, "health/overview.html", context)


@require_POST
@member_required(WRITE)
def recompute(request: HttpRequest) -> HttpResponse:
    tasks.refresh_health.enqueue(_member(request).organization.pk)
    messages.success(request, "Recomputing what changed; refresh in a moment.")
    return redirect("health:overview")


@require_POST
@member_required(WRITE)
def fit(request: HttpRequest) -> HttpResponse:
    tasks.fit_weights.enqueue(_member(request).organization.pk)
    messages.success(request, "Fitting the weights on your history; refresh in a minute.")
    return redirect("health:overview")


@member_required(READ)
def said_fine(request: HttpRequest) -> HttpResponse:
    rows = selectors.said_fine_then_left(_member(request).organization, offset=_offset(request))
    return render(request, "health/said_fine.html", {"rows": rows})


@member_required(READ)
def radar(request: HttpRequest) -> HttpResponse:
    try:
        days = min(3650, max(1, int(request.GET.get("days", 60))))
    except ValueError:
        days = 60
    organization = _member(request).organization
    rows = selectors.indifference_radar(organization, days=days, offset=_offset(request))
    return render(request, "health/radar.html", {"rows": rows, "days": days})


@member_required(READ)
def superfans(request: HttpRequest) -> HttpResponse:
    organization = _member(request).organization
    context = {
        "rows": selectors.superfans(organization, offset=_offset(request)),
        "stats": selectors.referral_stats(organization),
        "gating": review_invitation_policy("superfans"),
        "can_edit": _member(request).can(WRITE),
    }
    return render(request, "health/superfans.html", context)


@require_POST
@member_required(WRITE)
def thank(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("customer") if v.isdigit()][:500]
    outcomes = thanks.thank_customers(
        organization=_member(request).organization,
        customer_ids=ids,
        note=request.POST.get("note", "")[:2000],
    )
    sent = sum(o.queued for o in outcomes)
    messages.success(request, f"{sent} thank-you(s) queued.")
    for o in outcomes:
        if not o.queued:
            messages.warning(request, f"Customer {o.customer_id} not thanked: {o.reason}.")
    return redirect("health:superfans")


@member_required(READ)
def customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    found = selectors.access_customer(_member(request), customer_id)
    return render(request, "health/customer.html", selectors.customer_health_context(found))


@require_POST
@member_required(WRITE)
def make_link(request: HttpRequest, customer_id: int) -> HttpResponse:
    found = selectors.access_customer(_member(request), customer_id)
    referrals.referral_link_for(customer=found)
    return redirect("health:customer", customer_id=found.pk)


@member_required(READ)
def loyalty_page(request: HttpRequest) -> HttpResponse:
    organization = _member(request).organization
    since = timezone.now() - timedelta(days=30)
    context = {
        "program": loyalty.program_settings(organization),
        "moved": selectors.moved_up_a_level(organization, since=since),
        "can_edit": _member(request).can(WRITE),
    }
    return render(request, "health/loyalty.html", context)


@require_POST
@member_required(WRITE)
def loyalty_levels(request: HttpRequest) -> HttpResponse:
    """Levels as lines: `name, threshold, benefits`."""
    organization = _member(request).organization
    levels = []
    for number, line in enumerate(request.POST.get("levels", "").splitlines(), start=1):
        if not line.strip():
            continue
        name, _, rest = line.partition(",")
        threshold, _, benefits = rest.partition(",")
        if not threshold.strip().isdigit():
            messages.error(request, f"Line {number}: the threshold must be a whole number.")
            return redirect("health:loyalty")
        levels.append((name.strip(), int(threshold), benefits.strip()))
    try:
        loyalty.set_levels(organization=organization, levels=levels)
    except loyalty.LoyaltyInvalid as exc:
        messages.error(request, exc.message)
    return redirect("health:loyalty")


def public_loyalty(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's own page: balance, level, what the next one brings, the ledger."""
    found = loyalty.customer_for_signed(token)
    if found is None:
        raise Http404
    context = {
        "customer": found,
        "standing": loyalty.standing_of(found),
        "ledger": loyalty.ledger_of(found, limit=50),
        "link": found.referral_link if hasattr(found, "referral_link") else None,
    }
    return render(request, "health/public_loyalty.html", context)


def referral_redirect(request: HttpRequest, code: str) -> HttpResponse:
    """A referral link: counted, then on to the shop's sign-up page with the code."""
    link = referrals.record_click(code=code)
    if link is None:
        raise Http404
    target = loyalty.program_for(link.organization_id).referral_landing_url
    if not target:
        return render(request, "health/referral_landing.html", {"link": link})
    joiner = "&" if "?" in target else "?"
    return HttpResponseRedirect(f"{target}{joiner}ref={link.code}")
