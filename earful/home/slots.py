"""Slots other apps fill on the home page and the customer page.

The home app sits above every domain app (pyproject.toml's layers), so it may read their
selectors directly. To add a section:
- home page: set the key in `home_slots` (`cases_due`, `customers_at_risk`) to what the
  partial needs; home/home.html includes `cases/_home_cases_due.html` or
  `health/_home_at_risk.html` only when the value is not None.
- customer page: append a `Section(template, data)` in `customer_sections`; the page includes
  each template with `data` (and `customer`) in its context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from earful.accounts.models import Member
from earful.accounts.roles import Permission
from earful.customers.models import Customer


@dataclass(frozen=True)
class Section:
    template: str  # e.g. "cases/_customer_cases.html"
    data: Any


def home_slots(member: Member) -> dict[str, Any]:
    """Cases due now (the open cases breaching or nearest their target, with the queue's
    counts) and customers at risk (health's band, with the value at stake)."""
    from earful.cases.selectors import queue_counts, queue_rows
    from earful.health.selectors import at_risk_card

    now = timezone.now()
    slots: dict[str, Any] = {"cases_due": None, "customers_at_risk": None}
    if member.can(Permission.WORK_CASES) or member.can(Permission.VIEW_CASE_NUMBERS):
        rows = (
            queue_rows(member, "breaching", now=now)[:5] or queue_rows(member, "team", now=now)[:5]
        )
        slots["cases_due"] = {"rows": rows, "counts": queue_counts(member, now)}
    if member.can(Permission.VIEW_CUSTOMERS):
        slots["customers_at_risk"] = at_risk_card(member.organization)
    return slots


def customer_sections(member: Member, customer: Customer) -> list[Section]:
    """Other apps' sections on the customer page: health and loyalty, cases and commitments,
    and (for those allowed) the customer's data rights."""
    from earful.cases.selectors import cases_for_customer
    from earful.health.selectors import customer_health_context

    sections = [Section("home/_section_health.html", customer_health_context(customer))]
    if member.can(Permission.WORK_CASES):
        cases = cases_for_customer(member.organization, customer, now=timezone.now())
        sections.append(Section("cases/_customer_cases.html", cases))
    if member.can(Permission.ERASE_CUSTOMERS):
        sections.append(Section("home/_section_privacy.html", None))
    return sections
