"""Demo history for health, loyalty and referrals (called by `earful seed-demo`).

An order history for every demo customer, so that every list means something:
- regulars ordering on a rhythm of their own (2 to 8 weeks);
- "said fine, then left": customers whose last answer was passive or hesitant ("it's fine"),
  who then stopped ordering;
- superfans: promoters who order every week or two, some with a referral link that brought
  sign-ups (one of which bought) and a 5-star public review;
- customers nobody has written to in 90 days or more (the others got a message lately).
Idempotent: orders are keyed by their id, items by their source key, the rest is looked up.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from random import Random

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from earful.accounts.models import Organization
from earful.customers.models import Customer
from earful.customers.services import import_orders
from earful.feedback.models import FeedbackItem
from earful.health.models import Referral, ThankYou, ThankYouState
from earful.health.services import fitting, loyalty, recompute, referrals
from earful.surveys.models import Response

SEED = 19
FINE_WORDS = [
    "It's fine, I guess. Does what it says.",
    "All good, nothing special.",
    "Fine. Delivery was ok.",
    "It works, more or less what I expected.",
    "Okay overall, no complaints really.",
    "Decent enough, I suppose.",
]
FAN_WORDS = [
    "Best shop I know, I tell all my friends about you!",
    "Always fast, always friendly. Five stars every time.",
    "I keep coming back, the quality is consistently great.",
]


def _last_tiers(organization: Organization) -> dict[int, str]:
    rows = (
        Response.objects.filter(organization=organization, customer__isnull=False)
        .exclude(tier="")
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("customer_id"), order_by=F("submitted_at").desc()
            )
        )
        .filter(rank=1)
        .values_list("customer_id", "tier")
    )
    return dict(rows)


def _orders(customer: Customer, rng: Random, now: datetime, rhythm: float, stop: datetime):  # type: ignore[no-untyped-def]
    at, n = now - timedelta(days=rhythm * rng.uniform(8, 14)), 0
    while at < stop:
        yield {
            "order_id": f"demo-{customer.external_id}-{n}",
            "customer": customer.external_id,
            "occurred_at": at.isoformat(),
            "amount": str(Decimal(rng.randint(1500, 25000)) / 100),
        }
        n += 1
        at += timedelta(days=rhythm * rng.uniform(0.8, 1.2))


def _voice(
    customer: Customer, text: str, at: datetime, *, channel: str, **enriched
) -> FeedbackItem:  # type: ignore[no-untyped-def]
    return FeedbackItem(
        organization_id=customer.organization_id,
        channel=channel,
        source_key=f"demo-health:{customer.external_id}:{channel}",
        customer=customer,
        text=text,
        received_at=at,
        analyzed_at=at,
        **enriched,
    )


def seed_health(*, organization: Organization, now: datetime) -> dict[str, int]:
    """Adds the demo's order history, voices, touches, referrals and loyalty; scores everyone."""
    rng = Random(SEED)
    tiers = _last_tiers(organization)
    everyone = list(Customer.objects.filter(organization=organization).order_by("pk"))
    # The last few demo customers joined through a superfan's referral link: no history before.
    newcomers = everyone[-min(16, len(everyone) // 10) :] if len(everyone) >= 10 else []
    customers = everyone[: len(everyone) - len(newcomers)]
    rows, items, thanks, kinds = [], [], [], {"fine_then_left": 0, "superfans": 0, "untouched": 0}
    fans: list[Customer] = []
    for customer in customers:
        tier, roll = tiers.get(customer.pk, ""), rng.random()
        if tier == "satisfied" and roll < 0.35:  # said fine, then left
            left = now - timedelta(days=rng.uniform(45, 110))
            rows += _orders(customer, rng, now, rng.uniform(10, 25), left)
            words = rng.choice(FINE_WORDS)
            items.append(
                _voice(
                    customer,
                    words,
                    left - timedelta(days=rng.uniform(5, 20)),
                    channel="survey",
                    sentiment="neutral",
                    sentiment_score=0.05,
                    hesitant=True,
                    hesitancy_reason="hedging: a satisfied score with faint praise",
                )
            )
            kinds["fine_then_left"] += 1
        elif tier == "highly_satisfied" and roll < 0.2:  # a superfan
            rows += _orders(customer, rng, now, rng.uniform(6, 14), now)
            items.append(
                _voice(
                    customer,
                    rng.choice(FAN_WORDS),
                    now - timedelta(days=rng.uniform(3, 40)),
                    channel="review",
                    score=5,
                    score_scale="1-5",
                    sentiment="positive",
                    sentiment_score=0.9,
                    hesitant=False,
                )
            )
            fans.append(customer)
            kinds["superfans"] += 1
        else:
            rows += _orders(customer, rng, now, rng.uniform(14, 60), now)
        if rng.random() < 0.12:  # nobody has written to them for 90 days or more
            kinds["untouched"] += 1
            continue
        thanks.append(
            ThankYou(
                organization=organization,
                customer=customer,
                state=ThankYouState.SENT,
                subject="Demo: what's new this month",
                body="(demo newsletter)",
                sent_at=now - timedelta(days=rng.uniform(1, 50)),
            )
        )
    import_orders(organization=organization, rows=rows)
    FeedbackItem.objects.bulk_create(items, ignore_conflicts=True)
    if not ThankYou.objects.filter(organization=organization, body="(demo newsletter)").exists():
        ThankYou.objects.bulk_create(thanks)
    _demo_referrals(organization, fans, newcomers, now)
    if not loyalty.program_settings(organization)["levels"]:
        loyalty.set_levels(
            organization=organization,
            levels=[
                ("Silver", 500, "free shipping"),
                ("Gold", 1500, "free shipping, early access"),
                ("Platinum", 4000, "a personal shopper and gifts"),
            ],
        )
    ids = [c.pk for c in everyone]
    for start in range(0, len(ids), 500):
        loyalty.award_points(organization_id=organization.pk, customer_ids=ids[start : start + 500])
    fitting.fit_weights(organization_id=organization.pk, now=now)
    recompute.recompute_all(organization_id=organization.pk, now=now)
    return kinds


def _demo_referrals(
    organization: Organization, fans: list[Customer], newcomers: list[Customer], now: datetime
) -> None:
    """Each of the first fans brought two newcomers; the first of each pair bought."""
    pairs = [newcomers[k : k + 2] for k in range(0, len(newcomers) - 1, 2)]
    for fan, pair in zip(fans, pairs, strict=False):
        link = referrals.referral_link_for(customer=fan)
        for j, newcomer in enumerate(pair):
            if not Referral.objects.filter(referred=newcomer).exists():
                referrals.record_signup(
                    organization=organization,
                    code=link.code,
                    customer_ref=newcomer.external_id,
                    now=now - timedelta(days=20),
                )
            if j == 0:
                order = {
                    "order_id": f"demo-{newcomer.external_id}-welcome",
                    "customer": newcomer.external_id,
                    "occurred_at": (now - timedelta(days=10)).isoformat(),
                    "amount": "42.00",
                }
                import_orders(organization=organization, rows=[order])
        referrals.attribute_first_purchases(
            organization_id=organization.pk, customer_ids=[c.pk for c in pair]
        )
