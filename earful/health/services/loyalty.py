"""Loyalty: points for purchases, never for answers. The ledger is append-only and keyed, so
an order earns its points once however often the history is imported, and a refund adds the
exact reversal of what its order earned.

Rules (LoyaltyProgram): points per 1.00 spent (rounded down) + points per order; a bonus on the
first order; a bonus on every Nth order. Levels: the highest threshold the balance reaches.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from django.core import signing
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from earful.accounts.models import Organization
from earful.customers.models import Customer, CustomerEvent, EventType
from earful.health.models import LoyaltyEntry, LoyaltyLevel, LoyaltyProgram

_SALT = "earful.loyalty-page"
REFUSED_KINDS = {
    "survey_answer": (
        "points are never given for answering a survey: a reward for answers buys answers, "
        "and the scores stop telling the truth"
    ),
    "review": (
        "points are never given for writing a review: an incentivised review misleads other "
        "buyers (FTC rules, Google's policy) and is taken down"
    ),
}


class LoyaltyInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def program_for(organization_id: int) -> LoyaltyProgram:
    program, _ = LoyaltyProgram.objects.get_or_create(organization_id=organization_id)
    return program


def order_points(program: LoyaltyProgram, amount: Decimal | None) -> int:
    spent = (amount or Decimal(0)) * program.points_per_unit
    return int(spent.to_integral_value(rounding=ROUND_DOWN)) + program.points_per_order


def _order_key(event: CustomerEvent) -> str:
    return f"order:{event.order_id or event.pk}"


def _entries_for(program: LoyaltyProgram, events: list[CustomerEvent], have: dict[str, int]):  # type: ignore[no-untyped-def]
    """The entries these customers' orders and refunds call for and do not have yet."""
    count: dict[int, int] = {}
    for e in events:
        if e.type == EventType.PURCHASE:
            count[e.customer_id] = n = count.get(e.customer_id, 0) + 1
            key = _order_key(e)
            if key not in have:
                have[key] = order_points(program, e.amount)
                yield e, key, have[key], f"order {e.order_id or e.pk}"
            if n == 1 and program.first_order_bonus:
                yield e, f"bonus:first:{e.customer_id}", program.first_order_bonus, "first order"
            nth = program.every_nth_order
            if nth and n % nth == 0 and program.nth_order_bonus:
                yield e, f"bonus:nth:{e.customer_id}:{n}", program.nth_order_bonus, f"order #{n}"
        elif e.type == EventType.REFUND:
            earned = have.get(f"order:{e.order_id}") if e.order_id else None
            if earned:
                yield e, f"refund:{e.order_id}", -earned, f"order {e.order_id} refunded"


def award_points(
    *, organization_id: int, customer_ids: Iterable[int], now: datetime | None = None
) -> int:
    """Adds the entries these customers' purchases and refunds call for; returns how many."""
    program = program_for(organization_id)
    if not program.enabled:
        return 0
    ids = list(customer_ids)
    events = list(
        CustomerEvent.objects.filter(
            organization_id=organization_id,
            customer_id__in=ids,
            type__in=[EventType.PURCHASE, EventType.REFUND],
        ).order_by("customer_id", "occurred_at", "pk")
    )
    have = dict(
        LoyaltyEntry.objects.filter(
            organization_id=organization_id, customer_id__in=ids, key__startswith="order:"
        ).values_list("key", "points")
    )
    new = [
        LoyaltyEntry(
            organization_id=organization_id,
            customer_id=e.customer_id,
            points=points,
            reason=reason,
            key=key,
            event=e,
            occurred_at=e.occurred_at,
        )
        for e, key, points, reason in _entries_for(program, events, have)
    ]
    with transaction.atomic():
        stored = LoyaltyEntry.objects.bulk_create(new, ignore_conflicts=True)
    return len(stored)


def adjust_points(
    *, customer: Customer, points: int, kind: str, reason: str, now: datetime | None = None
) -> LoyaltyEntry:
    """A manual entry (goodwill, a correction). Answers and reviews are refused with the why."""
    if kind in REFUSED_KINDS:
        raise LoyaltyInvalid("kind", REFUSED_KINDS[kind])
    if kind != "goodwill":
        raise LoyaltyInvalid("kind", "goodwill (purchases earn points from the order history)")
    if not reason.strip():
        raise LoyaltyInvalid("reason", "required: why (the customer sees it on their page)")
    if points == 0 or abs(points) > 1_000_000:
        raise LoyaltyInvalid("points", "a whole number, not zero, at most a million either way")
    return LoyaltyEntry.objects.create(
        organization_id=customer.organization_id,
        customer=customer,
        points=points,
        reason=reason.strip()[:200],
        key=f"manual:{uuid.uuid4()}",
        occurred_at=now or timezone.now(),
    )


@dataclass(frozen=True)
class Standing:
    balance: int
    level: LoyaltyLevel | None
    next_level: LoyaltyLevel | None

    @property
    def to_next(self) -> int | None:
        return None if self.next_level is None else self.next_level.threshold - self.balance


def level_for(
    levels: list[LoyaltyLevel], balance: int
) -> tuple[LoyaltyLevel | None, LoyaltyLevel | None]:
    reached = [lv for lv in levels if lv.threshold <= balance]
    ahead = [lv for lv in levels if lv.threshold > balance]
    return (reached[-1] if reached else None), (ahead[0] if ahead else None)


def standing_of(customer: Customer) -> Standing:
    balance = (
        LoyaltyEntry.objects.filter(customer=customer).aggregate(total=Sum("points"))["total"] or 0
    )
    levels = list(LoyaltyLevel.objects.filter(organization_id=customer.organization_id))
    level, ahead = level_for(levels, balance)
    return Standing(balance, level, ahead)


def moved_up(organization: Organization, *, since: datetime) -> list[tuple[int, str, str]]:
    """(customer id, level before, level now) for those whose level rose since `since`."""
    levels = list(LoyaltyLevel.objects.filter(organization=organization))
    if not levels:
        return []
    rows = (
        LoyaltyEntry.objects.filter(organization=organization)
        .values("customer_id")
        .annotate(now=Sum("points"), then=Sum("points", filter=Q(occurred_at__lt=since)))
        .filter(
            customer_id__in=LoyaltyEntry.objects.filter(
                organization=organization, occurred_at__gte=since
            ).values("customer_id")
        )
        .order_by()
    )
    moved = []
    for r in rows:
        before, _ = level_for(levels, r["then"] or 0)
        after, _ = level_for(levels, r["now"] or 0)
        if after is not None and (before is None or after.threshold > before.threshold):
            moved.append((r["customer_id"], before.name if before else "", after.name))
    return moved


def set_levels(
    *, organization: Organization, levels: list[tuple[str, int, str]]
) -> list[LoyaltyLevel]:
    """Replaces the levels: (name, threshold, benefits), thresholds distinct."""
    thresholds = [t for _, t, _ in levels]
    if len(set(thresholds)) != len(thresholds):
        raise LoyaltyInvalid("levels", "two levels have the same threshold")
    if any(not name.strip() or t < 0 for name, t, _ in levels):
        raise LoyaltyInvalid("levels", "each level needs a name and a threshold of 0 or more")
    with transaction.atomic():
        LoyaltyLevel.objects.filter(organization=organization).delete()
        return LoyaltyLevel.objects.bulk_create(
            LoyaltyLevel(organization=organization, name=n.strip(), threshold=t, benefits=b)
            for n, t, b in sorted(levels, key=lambda x: x[1])
        )


def sign_loyalty_page(customer: Customer) -> str:
    return signing.Signer(salt=_SALT).sign_object([customer.organization_id, customer.pk])


def customer_for_signed(value: str) -> Customer | None:
    """The customer a signed page link names; None when tampered with."""
    try:
        org_id, customer_id = signing.Signer(salt=_SALT).unsign_object(value)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Customer.objects.filter(organization_id=org_id, pk=customer_id).first()


def ledger_of(customer: Customer, *, limit: int = 100) -> list[LoyaltyEntry]:
    return list(
        LoyaltyEntry.objects.filter(customer=customer).order_by("-occurred_at", "-pk")[:limit]
    )


_RULES: tuple[str, ...] = ("enabled", "points_per_unit", "points_per_order")
_RULES += ("first_order_bonus", "every_nth_order", "nth_order_bonus")


def program_settings(organization: Organization) -> dict:
    program = program_for(organization.pk)
    levels = LoyaltyLevel.objects.filter(organization=organization)
    return {
        **{name: getattr(program, name) for name in _RULES},
        "levels": [
            {"name": lv.name, "threshold": lv.threshold, "benefits": lv.benefits} for lv in levels
        ],
    }


def update_program(*, organization: Organization, data: dict) -> LoyaltyProgram:
    """The rules and the levels, replaced together. Existing entries are never changed."""
    program = program_for(organization.pk)
    with transaction.atomic():
        for name in _RULES:
            setattr(program, name, data[name])
        program.save()
        set_levels(
            organization=organization,
            levels=[(lv["name"], lv["threshold"], lv.get("benefits", "")) for lv in data["levels"]],
        )
    return program
