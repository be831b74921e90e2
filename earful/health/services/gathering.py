"""Reading every signal health needs for a set of customers, as of one moment: one grouped
query per source (purchases, tiers, voices, invitations, messages), never a query per customer.

`scope` is either a list of customer ids or an id range (lo, hi): the nightly recompute walks
the organization in id ranges, an on-change recompute names its customers.

Trustee-mode answers never feed a named customer's health: their responses and feedback items
carry no customer (surveys keep who answered apart), and invitations to a trustee survey are
left out of survey silence (whether someone answered would say who answered).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Max, Min, Q, Sum, Window
from django.db.models.functions import RowNumber

from earful.customers.models import CustomerEvent, EventType
from earful.feedback.models import FeedbackItem, Sentiment
from earful.health import sources
from earful.health.models import Referral, ThankYou, ThankYouState
from earful.health.scoring import RECENT, SILENCE_GRACE, VOICE_WINDOW, Inputs
from earful.outreach.models import Invitation, MessageState, OutboundMessage
from earful.surveys.models import Response, TrustMode
from earful.surveys.scoring import SCALES, tier_for

YEAR = timedelta(days=365)
Scope = list[int] | tuple[int, int]


@dataclass
class Gathered:
    inputs: Inputs = field(default_factory=Inputs)
    orders_12m: int = 0
    reviews: int = 0
    ideas: int = 0
    referred: int = 0
    referred_bought: int = 0
    last_voice_id: int | None = None
    last_voice_mood: str = ""
    last_voice_at: datetime | None = None


def _scoped(field_name: str, scope: Scope) -> Q:
    if isinstance(scope, tuple):
        lo, hi = scope
        return Q(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi})
    return Q(**{f"{field_name}__in": scope})


def _purchases(org: int, scope: Scope, now: datetime, out: dict[int, Gathered]) -> None:
    recent, prior, year = now - RECENT, now - 2 * RECENT, now - YEAR
    bought = Q(type=EventType.PURCHASE)
    in_recent = bought & Q(occurred_at__gte=recent)
    in_prior = bought & Q(occurred_at__gte=prior, occurred_at__lt=recent)
    rows = (
        CustomerEvent.objects.filter(
            _scoped("customer_id", scope),
            organization_id=org,
            type__in=[EventType.PURCHASE, EventType.REFUND],
            occurred_at__lt=now,
        )
        .values("customer_id")
        .annotate(
            n=Count("id", filter=bought),
            first=Min("occurred_at", filter=bought),
            last=Max("occurred_at", filter=bought),
            recent=Count("id", filter=in_recent),
            prior=Count("id", filter=in_prior),
            oldest_recent=Min("occurred_at", filter=in_recent),
            oldest_prior=Min("occurred_at", filter=in_prior),
            n12=Count("id", filter=bought & Q(occurred_at__gte=year)),
            spent=Sum("amount", filter=bought & Q(occurred_at__gte=year)),
            refunded=Sum("amount", filter=Q(type=EventType.REFUND, occurred_at__gte=year)),
        )
        .order_by()
    )
    for r in rows:
        g = out[r["customer_id"]]
        i = g.inputs
        i.orders, i.first_order_at, i.last_order_at = r["n"], r["first"], r["last"]
        i.orders_recent, i.orders_prior = r["recent"], r["prior"]
        i.oldest_recent_at, i.oldest_prior_at = r["oldest_recent"], r["oldest_prior"]
        i.value_12m = max(Decimal(0), (r["spent"] or Decimal(0)) - (r["refunded"] or Decimal(0)))
        g.orders_12m = r["n12"]


def _tiers(org: int, scope: Scope, now: datetime, out: dict[int, Gathered]) -> None:
    """The last two tiers each customer answered with (identified surveys only)."""
    rows = (
        Response.objects.filter(
            _scoped("customer_id", scope),
            organization_id=org,
            customer_id__isnull=False,
            submitted_at__lt=now,
            survey__trust_mode=TrustMode.IDENTIFIED,
        )
        .exclude(tier="")
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("customer_id"), order_by=F("submitted_at").desc()
            )
        )
        .filter(rank__lte=2)
        .values_list("customer_id", "rank", "tier", "submitted_at")
    )
    for customer_id, rank, tier, at in rows:
        g = out[customer_id]
        if rank == 1:
            g.inputs.tier = tier
            g.last_voice_at = g.last_voice_at or at
            if not g.last_voice_mood:
                g.last_voice_mood = _mood_of_tier(tier)
        else:
            g.inputs.tier_before = tier


def _mood_of_tier(tier: str) -> str:
    return {"highly_satisfied": "happy", "satisfied": "fine"}.get(tier, "unhappy")


def voice_mood(*, hesitant: bool | None, score: int | None, scale: str, sentiment: str) -> str:
    """fine (hesitant, a passive score, neutral words), happy, or unhappy."""
    if hesitant:
        return "fine"
    kind = {f"{lo}-{hi}": k for k, (lo, hi) in SCALES.items()}.get(scale)
    if score is not None and kind is not None:
        return _mood_of_tier(tier_for(kind, score))
    moods: dict[str, str] = {Sentiment.POSITIVE: "happy", Sentiment.NEGATIVE: "unhappy"}
    return moods.get(sentiment, "fine")


def _voices(org: int, scope: Scope, now: datetime, out: dict[int, Gathered]) -> None:
    since = now - VOICE_WINDOW
    rows = (
        FeedbackItem.objects.filter(
            _scoped("customer_id", scope),
            organization_id=org,
            customer_id__isnull=False,
            received_at__gte=since,
            received_at__lt=now,
        )
        .values("customer_id")
        .annotate(
            n=Count("id", filter=Q(analyzed_at__isnull=False) & ~Q(sentiment="")),
            avg=Avg("sentiment_score"),
            negative=Count("id", filter=Q(sentiment=Sentiment.NEGATIVE)),
            hesitant=Count("id", filter=Q(hesitant=True)),
            oldest=Min("received_at"),
        )
        .order_by()
    )
    for r in rows:
        i = out[r["customer_id"]].inputs
        i.voices, i.sentiment_avg, i.negative = r["n"], r["avg"], r["negative"]
        i.hesitant, i.oldest_voice_at = r["hesitant"], r["oldest"]
    last = (
        FeedbackItem.objects.filter(
            _scoped("customer_id", scope),
            organization_id=org,
            customer_id__isnull=False,
            received_at__gte=now - YEAR,
            received_at__lt=now,
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("customer_id"), order_by=F("received_at").desc()
            )
        )
        .filter(rank=1)
        .values_list(
            "customer_id", "id", "received_at", "hesitant", "score", "score_scale", "sentiment"
        )
    )
    for customer_id, item_id, at, hesitant, score, scale, sentiment in last:
        g = out[customer_id]
        if g.last_voice_at is None or at >= g.last_voice_at or g.last_voice_id is None:
            g.last_voice_id, g.last_voice_at = item_id, at
            g.last_voice_mood = voice_mood(
                hesitant=hesitant, score=score, scale=scale, sentiment=sentiment
            )


def _invitations(org: int, scope: Scope, now: datetime, out: dict[int, Gathered]) -> None:
    counted = Q(sent_at__gte=now - VOICE_WINDOW, sent_at__lt=now - SILENCE_GRACE)
    waiting = Q(answered_at__isnull=True)
    rows = (
        Invitation.objects.filter(
            _scoped("customer_id", scope),
            organization_id=org,
            sent_at__isnull=False,
            sent_at__lt=now,
        )
        .exclude(survey__trust_mode=TrustMode.TRUSTEE)
        .values("customer_id")
        .annotate(
            unanswered=Count("id", filter=counted & waiting),
            oldest=Min("sent_at", filter=counted & waiting),
            pending=Max("sent_at", filter=Q(sent_at__gte=now - SILENCE_GRACE) & waiting),
            answered=Count("id", filter=Q(answered_at__lt=now)),
        )
        .order_by()
    )
    for r in rows:
        i = out[r["customer_id"]].inputs
        i.unanswered, i.oldest_unanswered_at = r["unanswered"], r["oldest"]
        i.newest_pending_at = r["pending"]
        i.answered_before = i.answered_before or r["answered"] > 0


def _touches(org: int, scope: Scope, now: datetime, out: dict[int, Gathered]) -> None:
    """The last message anyone sent them, on every channel Earful knows of."""
    messages = (
        OutboundMessage.objects.filter(
            _scoped("customer_id", scope),
            organization_id=org,
            state=MessageState.SENT,
            sent_at__lt=now,
        )
        .values("customer_id")
        .annotate(last=Max("sent_at"))
        .order_by()
        .values_list("customer_id", "last")
    )
    thanks = (
        ThankYou.objects.filter(
            _scoped("customer_id", scope),
            organization_id=org,
            state=ThankYouState.SENT,
            sent_at__lt=now,
        )
        .values("customer_id")
        .annotate(last=Max("sent_at"))
        .order_by()
        .values_list("customer_id", "last")
    )
    for customer_id, at in [*messages, *thanks]:
        i = out[customer_id].inputs
        i.last_touch_at = sources._later(i.last_touch_at, at)


def _advocacy(org: int, scope: Scope, now: datetime, out: dict[int, Gathered]) -> None:
    """Public reviews and ideas they wrote; sign-ups through their link, and who of them bought."""
    posts = (
        FeedbackItem.objects.filter(
            _scoped("customer_id", scope),
            organization_id=org,
            channel__in=["review", "idea"],
            received_at__lt=now,
        )
        .values("customer_id")
        .annotate(
            reviews=Count("id", filter=Q(channel="review")),
            ideas=Count("id", filter=Q(channel="idea")),
        )
        .order_by()
    )
    for r in posts:
        g = out[r["customer_id"]]
        g.reviews, g.ideas = r["reviews"], r["ideas"]
    referred = (
        Referral.objects.filter(
            _scoped("link__customer_id", scope), organization_id=org, signed_up_at__lt=now
        )
        .values("link__customer_id")
        .annotate(n=Count("id"), bought=Count("id", filter=Q(first_purchase_at__lt=now)))
        .order_by()
    )
    for r in referred:
        g = out[r["link__customer_id"]]
        g.referred, g.referred_bought = r["n"], r["bought"]


def _provided(org: int, ids: list[int], out: dict[int, Gathered]) -> None:
    plain: dict[str, dict[int, Any]] = {k: sources.provided(k, org, ids) for k in sources.KINDS}
    for customer_id, at in plain[sources.TOUCHES].items():
        i = out[customer_id].inputs
        i.last_touch_at = sources._later(i.last_touch_at, at)
    for customer_id, n in plain[sources.OPEN_CASES].items():
        out[customer_id].inputs.open_cases = n
    for customer_id, n in plain[sources.BREACHED_CASES].items():
        out[customer_id].inputs.breached_cases = n
    for customer_id, n in plain[sources.MISSED_COMMITMENTS].items():
        out[customer_id].inputs.missed_commitments = n


def gather(
    *, organization_id: int, customer_ids: list[int], now: datetime, scope: Scope | None = None
) -> dict[int, Gathered]:
    """Every signal of these customers as of `now` (a customer with none gets the defaults)."""
    out = {customer_id: Gathered() for customer_id in customer_ids}
    scope = scope if scope is not None else customer_ids
    for read in (_purchases, _tiers, _voices, _invitations, _touches, _advocacy):
        read(organization_id, scope, now, _Only(out))
    _provided(organization_id, customer_ids, _Only(out))
    for g in out.values():
        g.inputs.answered_before = g.inputs.answered_before or bool(g.inputs.tier)
    return out


class _Only(dict[int, Gathered]):
    """The customers asked for; a row for another (a range's stray) goes to a throwaway."""

    def __init__(self, wanted: dict[int, Gathered]) -> None:
        super().__init__()
        self.wanted = wanted

    def __getitem__(self, key: int) -> Gathered:
        return self.wanted.get(key) or Gathered()
