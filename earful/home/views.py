"""The home page, the customer list and one customer's page. Thin: access, select, render."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from earful.accounts.access import member_required
from earful.accounts.models import Member
from earful.accounts.roles import Permission
from earful.core.charts import line_chart
from earful.customers.selectors import access_customer
from earful.home import selectors, slots, words
from earful.inbox.selectors import customer_history
from earful.insights.charts import sparkline

CUSTOMERS_PER_PAGE = 50
LEVEL = {"dissatisfied": 1, "satisfied": 2, "highly_satisfied": 3}


def _member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


@member_required(Permission.VIEW_DASHBOARDS)
def home(request: HttpRequest) -> HttpResponse:
    """Every survey's score and trend, tier shares and movement, what changed, open alerts."""
    member = _member(request)
    now = timezone.now()
    cards = selectors.survey_cards(member.organization, now=now)
    rows = [
        (
            card,
            sparkline(
                card.weekly, title="Score per week, this week so far last", partial_last=True
            ),
            words.change_sentence(card),
        )
        for card in cards
    ]
    context: dict[str, Any] = {
        "rows": rows,
        "alerts": selectors.open_alerts(member.organization, now=now),
        "nav": "home",
        **slots.home_slots(member),
    }
    return render(request, "home/home.html", context)


@member_required(Permission.VIEW_CUSTOMERS)
def customer_list(request: HttpRequest) -> HttpResponse:
    """Every customer with their current tier and last score, searchable."""
    search = request.GET.get("q", "").strip()
    customers = selectors.customers_with_tiers(_member(request).organization, search=search)
    page = Paginator(customers, CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "home/customer_list.html", {"page": page, "q": search})


@member_required(Permission.VIEW_CUSTOMERS)
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    """One customer: profile, tier over time, every voice and message on one timeline."""
    member = _member(request)
    customer = access_customer(member, customer_id)
    history = selectors.tier_history(customer)
    context = {
        "customer": customer,
        "history": history,
        "tier_chart": _tier_chart(history),
        "current": history[-1] if history else None,
        "timeline": customer_history(customer),
        "sections": slots.customer_sections(member, customer),
    }
    return render(request, "home/customer_detail.html", context)


def _tier_chart(history: list[selectors.TierPoint]) -> Any:
    points = [(p.at.strftime("%d %b %y"), float(LEVEL[p.tier])) for p in history]
    return line_chart(
        points,
        title="Tier at each answer: 3 highly satisfied, 2 satisfied, 1 dissatisfied",
        y_range=(1.0, 3.0),
        label_every=max(len(points) // 6, 1),
    )
