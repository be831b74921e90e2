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

from earful.accounts.models import Member
from earful.customers.models import Customer


@dataclass(frozen=True)
class Section:
    template: str  # e.g. "cases/_customer_cases.html"
    data: Any


def home_slots(member: Member) -> dict[str, Any]:
    """Cases due (issue 16) and customers at risk (issue 19): None until those apps land."""
    return {"cases_due": None, "customers_at_risk": None}


def customer_sections(member: Member, customer: Customer) -> list[Section]:
    """Other apps' sections on the customer page (cases, health): none yet."""
    return []
