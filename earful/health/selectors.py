"""Reads for health: the lists (one indexed query each, whatever their length), a customer's
health, the overview with its freshness. `access_*` scope to the member's organization (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.core.charts import line_chart
from earful.customers.models import Account, Customer
from earful.health.models import CustomerHealth, HealthDay, HealthState, Referral, ReferralLink
from earful.health.scoring import Band
from earful.health.services.budget import budget_refusals
from earful.health.services.loyalty import moved_up
from earful.outreach.budget import Refusal

LATE = 1.5  # days since the last order over the rhythm: activity below the customer's rhythm
UNTOUCHED_DAYS = 60
PAGE = 50


def access_customer(member: Member, customer_id: int) -> Customer:
    return get_object_or_404(Customer, pk=customer_id, organization=member.organization)


def access_account(member: Member, account_id: int) -> Account:
    return get_object_or_404(Account, pk=account_id, organization=member.organization)


def _rows(organization: Organization) -> QuerySet[CustomerHealth]:
    return CustomerHealth.objects.filter(organization=organization).select_related("customer")


@dataclass
class Overview:
    bands: dict[str, int]
    value_at_risk: object
    state: HealthState | None

    @property
    def total(self) -> int:
        return sum(self.bands.values())

    @property
    def fresh_at(self) -> datetime | None:
        return self.state.last_run_at if self.state else None


def overview(organization: Organization) -> Overview:
    """Customers per band and the value at risk: the roll-up kept with the scores (one row)."""
    state = HealthState.objects.filter(organization=organization).first()
    counts = (state.bands if state else {}) or {}
    bands = {band: max(0, counts.get(band, 0)) for band in Band.LABELS}
    return Overview(bands, state.value_at_risk if state else 0, state)


def list_by_score(
    organization: Organization, *, band: str = "", limit: int = PAGE, offset: int = 0
) -> list[CustomerHealth]:
    rows = _rows(organization)
    if band:
        rows = rows.filter(band=band)
    return list(rows.order_by("score", "-value_12m", "customer_id")[offset : offset + limit])


def said_fine_then_left(
    organization: Organization, *, limit: int = PAGE, offset: int = 0
) -> list[CustomerHealth]:
    """Their last voice was satisfied or hesitant ("fine", a passive score, faint praise), and
    they have since ordered less than their rhythm: ranked by the value at risk (12 months)."""
    return list(
        _rows(organization)
        .select_related("last_voice")
        .filter(last_voice_mood="fine", lateness__gte=LATE, last_voice_at__isnull=False)
        .order_by("-value_12m", "-lateness", "customer_id")[offset : offset + limit]
    )


@dataclass
class RadarRow:
    health: CustomerHealth
    days: int | None  # since the last touch; None: never
    suggestion: str
    refusal: Refusal | None

    @property
    def customer(self) -> Customer:
        return self.health.customer


def _suggest(h: CustomerHealth) -> str:
    if h.band == Band.AT_RISK or h.tier == "dissatisfied":
        return "a personal email or call from their account owner"
    if h.lateness is not None and h.lateness >= LATE:
        return "a short check-in: how is it going since the last order?"
    if h.tier == "highly_satisfied":
        return "a thank-you"
    return "an invitation to the next survey"


def indifference_radar(
    organization: Organization,
    *,
    days: int = UNTOUCHED_DAYS,
    limit: int = PAGE,
    offset: int = 0,
    now: datetime | None = None,
) -> list[RadarRow]:
    """Customers nobody contacted or answered in `days` (every channel), by value, then by the
    time since the last touch; each with a next touch the contact budget allows, or why not."""
    now = now or timezone.now()
    rows = list(
        _rows(organization)
        .filter(Q(last_touch_at__isnull=True) | Q(last_touch_at__lt=now - timedelta(days=days)))
        .order_by("-value_12m", F("last_touch_at").asc(nulls_first=True), "customer_id")[
            offset : offset + limit
        ]
    )
    refusals = budget_refusals(organization, [h.customer for h in rows], now=now)
    return [
        RadarRow(
            health=h,
            days=None if h.last_touch_at is None else (now - h.last_touch_at).days,
            suggestion=_suggest(h),
            refusal=refusals[h.customer_id],
        )
        for h in rows
    ]


def superfans(
    organization: Organization, *, limit: int = PAGE, offset: int = 0
) -> list[CustomerHealth]:
    """Promoters (highly satisfied last) who also buy often (3 orders or more in 12 months, on
    rhythm), ranked by what they do for others: referrals that bought, public reviews, ideas
    (`fan_points`, kept on the row by the recompute)."""
    return list(
        _rows(organization)
        .filter(tier="highly_satisfied", orders_12m__gte=3)
        .filter(Q(lateness__isnull=True) | Q(lateness__lt=LATE))
        .order_by("-fan_points", "-value_12m", "customer_id")[offset : offset + limit]
    )


@dataclass
class ReferralStats:
    links: int
    clicks: int
    signups: int
    bought: int

    @property
    def conversion(self) -> float | None:
        return round(100 * self.bought / self.signups, 1) if self.signups else None


def referral_stats(organization: Organization) -> ReferralStats:
    links = ReferralLink.objects.filter(organization=organization).aggregate(
        n=Count("id"), clicks=Coalesce(Sum("clicks"), 0)
    )
    refs = Referral.objects.filter(organization=organization).aggregate(
        n=Count("id"), bought=Count("id", filter=Q(first_purchase_at__isnull=False))
    )
    return ReferralStats(links["n"], links["clicks"], refs["n"], refs["bought"])


def accounts_health(organization: Organization, *, limit: int = PAGE) -> list[dict]:
    """Each B2B account's score: its people's scores weighted by their value (12 months);
    an account whose people bought nothing weighs everyone alike. One grouped query."""
    rows = (
        CustomerHealth.objects.filter(organization=organization, customer__account__isnull=False)
        .values("customer__account_id", "customer__account__name")
        .annotate(
            people=Count("id"),
            value=Sum("value_12m"),
            weighted=Sum(F("score") * F("value_12m")),
            plain=Sum("score"),
            at_risk=Count("id", filter=Q(band=Band.AT_RISK)),
        )
        .order_by("customer__account__name")
    )
    out = []
    for r in rows:
        value = r["value"] or 0
        score = round(r["weighted"] / value) if value else round(r["plain"] / r["people"])
        out.append(
            {
                "id": r["customer__account_id"],
                "name": r["customer__account__name"],
                "score": int(score),
                "people": r["people"],
                "value_12m": value,
                "at_risk": r["at_risk"],
            }
        )
    out.sort(key=lambda a: (a["score"], a["name"]))
    return out[:limit]


@dataclass
class CustomerHealthView:
    health: CustomerHealth | None
    history: list[tuple[date, int]]
    referral_link: ReferralLink | None
    referred: int
    referred_bought: int


def customer_health(customer: Customer, *, days: int = 180) -> CustomerHealthView:
    health = CustomerHealth.objects.filter(customer=customer).first()
    since = timezone.now().date() - timedelta(days=days)
    history = list(
        HealthDay.objects.filter(customer=customer, day__gte=since)
        .order_by("day")
        .values_list("day", "score")
    )
    link = ReferralLink.objects.filter(customer=customer).first()
    counts = Referral.objects.filter(link__customer=customer).aggregate(
        n=Count("id"), bought=Count("id", filter=Q(first_purchase_at__isnull=False))
    )
    return CustomerHealthView(health, history, link, counts["n"], counts["bought"])


@dataclass
class MovedUp:
    customer: Customer
    before: str
    now: str


def moved_up_a_level(organization: Organization, *, since: datetime) -> list[MovedUp]:
    """Customers whose loyalty level rose since `since` (two queries)."""
    moved = moved_up(organization, since=since)
    customers = Customer.objects.in_bulk([customer_id for customer_id, _, _ in moved])
    return [MovedUp(customers[c], before, now) for c, before, now in moved if c in customers]


@dataclass
class AtRiskCard:
    count: int
    value: object
    top: list[CustomerHealth]


def at_risk_card(organization: Organization, *, top: int = 5) -> AtRiskCard:
    """The home page's "at risk" card: how many, the value at stake, the most valuable few."""
    view = overview(organization)
    rows = list(
        _rows(organization).filter(band=Band.AT_RISK).order_by("-value_12m", "customer_id")[:top]
    )
    return AtRiskCard(view.bands[Band.AT_RISK], view.value_at_risk, rows)


def customer_health_context(customer: Customer) -> dict:
    """What the `health/_customer_health.html` partial needs (the customer page includes it):
    the score and its reasons, the 180-day history as a chart, loyalty, referrals."""
    from earful.health.services.loyalty import standing_of

    view = customer_health(customer)
    chart = line_chart(
        [(d.isoformat(), s) for d, s in view.history],
        title="Health over the last 180 days",
        y_range=(0, 100),
        height=140,
    )
    return {
        "customer": customer,
        "ch": view,
        "chart": chart,
        "standing": standing_of(customer),
        "labels": Band.LABELS,
    }
