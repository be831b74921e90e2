"""/api/v1/health and /api/v1/loyalty: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema

from earful.accounts.access import api_member
from earful.accounts.roles import Permission
from earful.core.api_errors import ApiInvalid, ErrorOut
from earful.health import selectors, tasks
from earful.health.models import CustomerHealth
from earful.health.reviews import review_invitation_policy
from earful.health.schemas import (
    AccountHealthOut,
    AdjustIn,
    CustomerHealthOut,
    EntryOut,
    HealthPage,
    LoyaltyOut,
    OverviewOut,
    PolicyOut,
    ProgramIo,
    RadarPage,
    ReferralLinkIn,
    ReferralLinkOut,
    ReferralStatsOut,
    SaidFinePage,
    SignupIn,
    SignupOut,
    SuperfanPage,
    ThankIn,
    ThankOutcomeOut,
)
from earful.health.services import loyalty, referrals, thanks

router = Router(tags=["health"])
loyalty_router = Router(tags=["loyalty"])
READ, WRITE = Permission.VIEW_CUSTOMERS, Permission.IMPORT_CUSTOMERS


class PageParams(Schema):
    limit: int = 50
    offset: int = 0

    def window(self) -> dict[str, int]:
        return {"limit": max(1, min(self.limit, 500)), "offset": max(0, self.offset)}


class ScoreParams(PageParams):
    band: str = ""


class RadarParams(PageParams):
    days: int = 60


def health_out(h: CustomerHealth) -> dict[str, Any]:
    c = h.customer
    return {
        "customer_id": c.pk,
        "external_id": c.external_id,
        "name": c.name,
        "score": h.score,
        "band": h.band,
        "trend": h.trend,
        "reasons": [{"component": a, "points": p, "text": t} for a, p, t in h.reasons],
        "value_12m": h.value_12m,
        "orders_12m": h.orders_12m,
        "last_order_at": h.last_order_at,
        "rhythm_days": h.rhythm_days,
        "tier": h.tier,
        "last_touch_at": h.last_touch_at,
        "computed_at": h.computed_at,
    }


@router.get("", response=OverviewOut)
def get_overview(request: HttpRequest) -> dict:
    """Customers per band, the value at risk, when the scores were computed, the backtest."""
    member = api_member(request, READ)
    view = selectors.overview(member.organization)
    fit = view.state.fit if view.state else {}
    return {
        "bands": view.bands,
        "total": view.total,
        "value_at_risk": view.value_at_risk,
        "fresh_at": view.fresh_at,
        "fit": fit or {},
    }


@router.post("/recompute", response={202: dict})
def recompute(request: HttpRequest) -> tuple[int, dict]:
    """Recomputes what changed or is due now (in the background)."""
    member = api_member(request, WRITE)
    tasks.refresh_health.enqueue(member.organization.pk)
    return 202, {"queued": True}


@router.post("/fit", response={202: dict})
def fit(request: HttpRequest) -> tuple[int, dict]:
    """Fits the weights on this organization's history and backtests them (in the background)."""
    member = api_member(request, WRITE)
    tasks.fit_weights.enqueue(member.organization.pk)
    return 202, {"queued": True}


@router.get("/customers", response=HealthPage)
def list_scores(request: HttpRequest, params: Query[ScoreParams]) -> dict:
    """Customers by score, lowest first (`band`: champion, healthy, attention, at_risk)."""
    member = api_member(request, READ)
    rows = selectors.list_by_score(member.organization, band=params.band, **params.window())
    return {"items": [health_out(h) for h in rows]}


@router.get("/customers/{customer_id}", response=CustomerHealthOut)
def get_customer_health(request: HttpRequest, customer_id: int) -> dict:
    member = api_member(request, READ)
    customer = selectors.access_customer(member, customer_id)
    view = selectors.customer_health(customer)
    standing = loyalty.standing_of(customer)
    link = view.referral_link
    return {
        "health": health_out(view.health) if view.health else None,
        "history": [{"day": d, "score": s} for d, s in view.history],
        "referral_link": f"{settings.EARFUL_BASE_URL}/ref/{link.code}/" if link else None,
        "referred": view.referred,
        "referred_bought": view.referred_bought,
        "loyalty_balance": standing.balance,
        "loyalty_level": standing.level.name if standing.level else None,
    }


@router.get("/accounts", response=list[AccountHealthOut])
def list_accounts(request: HttpRequest) -> list[dict]:
    """B2B accounts: their people's scores weighted by value (12 months)."""
    member = api_member(request, READ)
    return selectors.accounts_health(member.organization)


@router.get("/said-fine-then-left", response=SaidFinePage)
def said_fine_then_left(request: HttpRequest, params: Query[PageParams]) -> dict:
    """Last voice satisfied or hesitant, orders since below their rhythm; by value at risk."""
    member = api_member(request, READ)
    rows = selectors.said_fine_then_left(member.organization, **params.window())
    return {
        "items": [
            {
                **health_out(h),
                "words": h.last_voice.text if h.last_voice else "",
                "said_at": h.last_voice_at,
                "lateness": h.lateness,
            }
            for h in rows
        ]
    }


@router.get("/radar", response={200: RadarPage, 422: ErrorOut})
def radar(request: HttpRequest, params: Query[RadarParams]) -> dict:
    """Nobody contacted or answered them in `days` days (every channel); by value."""
    member = api_member(request, READ)
    if not 1 <= params.days <= 3650:
        raise ApiInvalid([("days", "between 1 and 3650")])
    window = params.window()
    rows = selectors.indifference_radar(
        member.organization, days=params.days, limit=window["limit"], offset=window["offset"]
    )
    return {
        "items": [
            {
                **health_out(r.health),
                "days_since_touch": r.days,
                "suggestion": r.suggestion,
                "budget_allows": r.refusal is None,
                "refused_because": r.refusal.text if r.refusal else "",
            }
            for r in rows
        ]
    }


@router.get("/superfans", response=SuperfanPage)
def superfans(request: HttpRequest, params: Query[PageParams]) -> dict:
    member = api_member(request, READ)
    rows = selectors.superfans(member.organization, **params.window())
    return {
        "items": [
            {
                **health_out(h),
                "reviews": h.reviews,  # type: ignore[attr-defined]
                "ideas": h.ideas,  # type: ignore[attr-defined]
                "referred": h.referred,  # type: ignore[attr-defined]
                "referred_bought": h.referred_bought,  # type: ignore[attr-defined]
            }
            for h in rows
        ]
    }


@router.post("/superfans/thank", response={200: list[ThankOutcomeOut], 422: ErrorOut})
def thank(request: HttpRequest, payload: ThankIn) -> list[Any]:
    """Queues a thank-you to each customer the contact budget allows; says why not for others."""
    member = api_member(request, WRITE)
    return thanks.thank_customers(
        organization=member.organization, customer_ids=payload.customer_ids, note=payload.note
    )


@router.get("/referrals", response=ReferralStatsOut)
def referral_stats(request: HttpRequest) -> dict:
    member = api_member(request, READ)
    stats = selectors.referral_stats(member.organization)
    return {**stats.__dict__, "conversion": stats.conversion}


@router.post("/referrals/links", response={200: ReferralLinkOut, 404: ErrorOut})
def make_link(request: HttpRequest, payload: ReferralLinkIn) -> dict:
    """The customer's personal referral link (made on first use)."""
    member = api_member(request, WRITE)
    customer = selectors.access_customer(member, payload.customer_id)
    link = referrals.referral_link_for(customer=customer)
    url = f"{settings.EARFUL_BASE_URL}/ref/{link.code}/"
    return {"customer_id": customer.pk, "code": link.code, "url": url}


@router.post("/referrals/signups", response={200: SignupOut, 201: SignupOut, 422: ErrorOut})
def record_signup(request: HttpRequest, payload: SignupIn) -> tuple[int, dict]:
    """The shop reports a sign-up that came with a referral code (idempotent per customer)."""
    member = api_member(request, WRITE)
    try:
        referral, created = referrals.record_signup(
            organization=member.organization, code=payload.code, customer_ref=payload.customer
        )
    except referrals.ReferralInvalid as exc:
        raise ApiInvalid([(exc.field, exc.message)]) from exc
    body = {
        "referrer_id": referral.link.customer_id,
        "referred_id": referral.referred_id,
        "signed_up_at": referral.signed_up_at,
    }
    return (201 if created else 200), body


@router.get("/review-policy", response=PolicyOut)
def review_policy(request: HttpRequest, audience: str = "everyone") -> dict:
    """May review invitations go to this audience? Everyone or no one: never a happy subset."""
    api_member(request, READ)
    answer = review_invitation_policy(audience)
    return {"audience": audience, "allowed": answer.allowed, "reason": answer.reason}


def loyalty_out(customer: Any) -> dict:
    standing = loyalty.standing_of(customer)
    token = loyalty.sign_loyalty_page(customer)
    return {
        "customer_id": customer.pk,
        "balance": standing.balance,
        "level": standing.level.name if standing.level else None,
        "next_level": standing.next_level.name if standing.next_level else None,
        "to_next": standing.to_next,
        "page_url": f"{settings.EARFUL_BASE_URL}/l/{token}/",
        "ledger": loyalty.ledger_of(customer, limit=100),
    }


@loyalty_router.get("/customers/{customer_id}", response=LoyaltyOut)
def get_loyalty(request: HttpRequest, customer_id: int) -> dict:
    """The balance, level, ledger (newest first) and the customer's own signed page link."""
    member = api_member(request, READ)
    return loyalty_out(selectors.access_customer(member, customer_id))


@loyalty_router.post("/customers/{customer_id}/adjust", response={201: EntryOut, 422: ErrorOut})
def adjust(request: HttpRequest, customer_id: int, payload: AdjustIn) -> tuple[int, Any]:
    """A goodwill entry. Points for answering a survey or writing a review are refused (422)."""
    member = api_member(request, WRITE)
    customer = selectors.access_customer(member, customer_id)
    try:
        entry = loyalty.adjust_points(
            customer=customer, points=payload.points, kind=payload.kind, reason=payload.reason
        )
    except loyalty.LoyaltyInvalid as exc:
        raise ApiInvalid([(exc.field, exc.message)]) from exc
    return 201, entry


@loyalty_router.get("/program", response=ProgramIo)
def get_program(request: HttpRequest) -> dict:
    member = api_member(request, READ)
    return loyalty.program_settings(member.organization)


@loyalty_router.put("/program", response={200: ProgramIo, 422: ErrorOut})
def put_program(request: HttpRequest, payload: ProgramIo) -> dict:
    """Replaces the points rules and the levels."""
    member = api_member(request, WRITE)
    try:
        loyalty.update_program(organization=member.organization, data=payload.dict())
    except loyalty.LoyaltyInvalid as exc:
        raise ApiInvalid([(exc.field, exc.message)]) from exc
    return loyalty.program_settings(member.organization)
