"""What the home page reads: every survey's headline score, its weekly trend, its tier shares
and their movement this week, in a fixed number of grouped queries whatever the volume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from earful.accounts.models import Organization
from earful.alerts.models import Alert, RuleKind
from earful.customers.models import Customer
from earful.customers.selectors import list_customers
from earful.surveys.models import Response, Survey, TrustMode
from earful.surveys.scoring import SCORE_LABELS, Tier, headline_score
from earful.surveys.trust import MIN_GROUP

WEEKS = 12  # the sparkline's length, the running week last
MIN_SCORED_PER_WEEK = 5  # as insights.selectors: fewer scored answers in a week is noise
TIERS = (Tier.HIGHLY_SATISFIED, Tier.SATISFIED, Tier.DISSATISFIED)
# The most urgent kinds first: a public post gathering reach beats one detractor answer.
URGENCY = (
    RuleKind.VIRAL_RISK,
    RuleKind.NEGATIVE_REVIEW,
    RuleKind.THEME_SPIKE,
    RuleKind.KEY_ACCOUNT_HESITANT,
    RuleKind.DETRACTOR,
)


# The tag beside an alert: "Detractor" is NPS's word, and the rule covers every scale.
KIND_WORDS: dict[str, str] = {
    RuleKind.VIRAL_RISK: "Post spreading fast",
    RuleKind.NEGATIVE_REVIEW: "Negative review",
    RuleKind.THEME_SPIKE: "Theme spike",
    RuleKind.KEY_ACCOUNT_HESITANT: "Key account hesitant",
    RuleKind.DETRACTOR: "Low score",
}


@dataclass
class Window:
    """Scored answers of one stretch of time, per tier, with their score."""

    tiers: dict[str, int] = field(default_factory=lambda: {t.value: 0 for t in TIERS})
    sum_of_scores: int = 0
    sum_of_squares: int = 0
    answers: int = 0  # every response, scored or not

    @property
    def scored(self) -> int:
        return sum(self.tiers.values())

    def add(self, tier: str, n: int, s: int | None, s2: int | None = 0) -> None:
        self.answers += n
        if tier:
            self.tiers[tier] += n
            self.sum_of_scores += s or 0
            self.sum_of_squares += s2 or 0

    def score(self, kind: str) -> float | None:
        return headline_score(
            kind, tiers=self.tiers, total=self.scored, sum_of_scores=self.sum_of_scores
        )

    def shares(self) -> dict[str, float | None]:
        scored = self.scored
        return {t: (100 * n / scored if scored else None) for t, n in self.tiers.items()}


@dataclass
class SurveyCard:
    survey: Survey
    score_label: str
    overall: Window
    this_week: Window  # the last 7 days
    last_week: Window  # the 7 days before
    weekly: list[float | None]  # WEEKS values, oldest first; the last one is the running week
    hidden: bool = False  # trustee survey with fewer than MIN_GROUP answers in a group

    @property
    def score(self) -> float | None:
        return None if self.hidden else self.overall.score(self.survey.score_kind)

    @property
    def tier_rows(self) -> list[tuple[str, str, float | None, float | None]]:
        """(tier, words, share of all answers %, change in points this week vs the week before)."""
        overall, now, before = (
            self.overall.shares(),
            self.this_week.shares(),
            self.last_week.shares(),
        )
        rows = []
        for tier in TIERS:
            moved = None
            if now[tier] is not None and before[tier] is not None:
                moved = now[tier] - before[tier]  # type: ignore[operator]
            rows.append(
                (tier.value, tier_words(self.survey.score_kind, tier.value), overall[tier], moved)
            )
        return rows if not self.hidden else []


TIER_WORDS: dict[str, dict[str, str]] = {
    # NPS has its own well-known names; other scales say what the answer meant.
    "nps": {
        Tier.HIGHLY_SATISFIED: "Promoters (9-10)",
        Tier.SATISFIED: "Passives (7-8)",
        Tier.DISSATISFIED: "Detractors (0-6)",
    },
    "csat": {
        Tier.HIGHLY_SATISFIED: "Very satisfied (5)",
        Tier.SATISFIED: "Satisfied (4)",
        Tier.DISSATISFIED: "Not satisfied (1-3)",
    },
    "rating": {
        Tier.HIGHLY_SATISFIED: "5 stars",
        Tier.SATISFIED: "4 stars",
        Tier.DISSATISFIED: "1-3 stars",
    },
    "ces": {
        Tier.HIGHLY_SATISFIED: "Very easy (6-7)",
        Tier.SATISFIED: "Easy enough (5)",
        Tier.DISSATISFIED: "Hard work (1-4)",
    },
}


def tier_words(kind: str, tier: str) -> str:
    """The tier in the scale's own words: an NPS detractor, a CSAT 'not satisfied'."""
    return TIER_WORDS.get(kind, {}).get(tier) or Tier(tier).label if tier else ""


def _monday(now: datetime) -> datetime:
    return (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def survey_cards(organization: Organization, *, now: datetime | None = None) -> list[SurveyCard]:
    """Every survey that has a score (published ones first, newest first): three queries."""
    now = now or timezone.now()
    surveys = list(
        Survey.objects.filter(organization=organization)
        .exclude(score_kind="")
        .order_by("-published_at", "-id")
    )
    if not surveys:
        return []
    responses = Response.objects.filter(organization_id=organization.pk)
    week_ago, two_weeks_ago = now - timedelta(days=7), now - timedelta(days=14)
    cards = {
        s.pk: SurveyCard(
            s, SCORE_LABELS.get(s.score_kind, "Score"), Window(), Window(), Window(), []
        )
        for s in surveys
    }
    rows = (
        responses.values("survey_id", "tier")
        .annotate(
            n=Count("id"),
            s=Sum("score"),
            n_now=Count("id", filter=Q(submitted_at__gt=week_ago)),
            s_now=Sum("score", filter=Q(submitted_at__gt=week_ago)),
            n_before=Count(
                "id", filter=Q(submitted_at__gt=two_weeks_ago, submitted_at__lte=week_ago)
            ),
            s_before=Sum(
                "score", filter=Q(submitted_at__gt=two_weeks_ago, submitted_at__lte=week_ago)
            ),
            q_now=Sum(F("score") * F("score"), filter=Q(submitted_at__gt=week_ago)),
            q_before=Sum(
                F("score") * F("score"),
                filter=Q(submitted_at__gt=two_weeks_ago, submitted_at__lte=week_ago),
            ),
        )
        .order_by()
    )
    for row in rows:
        card = cards.get(row["survey_id"])
        if card is None:
            continue
        card.overall.add(row["tier"], row["n"], row["s"])
        card.this_week.add(row["tier"], row["n_now"], row["s_now"], row["q_now"])
        card.last_week.add(row["tier"], row["n_before"], row["s_before"], row["q_before"])
    first = _monday(now) - timedelta(weeks=WEEKS - 1)
    weekly: dict[tuple[int, datetime], Window] = {}
    for row in (
        responses.filter(submitted_at__gte=first)
        .annotate(week=TruncWeek("submitted_at"))
        .values("survey_id", "week", "tier")
        .annotate(n=Count("id"), s=Sum("score"))
        .order_by()
    ):
        weekly.setdefault((row["survey_id"], row["week"]), Window()).add(
            row["tier"], row["n"], row["s"]
        )
    for card in cards.values():
        for i in range(WEEKS):
            window = weekly.get((card.survey.pk, first + timedelta(weeks=i)), Window())
            enough = window.scored >= MIN_SCORED_PER_WEEK
            card.weekly.append(window.score(card.survey.score_kind) if enough else None)
        card.hidden = card.survey.is_trustee and (
            any(0 < n < MIN_GROUP for n in card.overall.tiers.values())
            or card.overall.scored < MIN_GROUP
        )
        if card.hidden:
            card.weekly = [None] * WEEKS
    return list(cards.values())


def open_alerts(
    organization: Organization, *, now: datetime | None = None, limit: int = 8
) -> list[Alert]:
    """Alerts of the last 7 days, the most urgent kind first, then the newest: one query."""
    now = now or timezone.now()
    alerts = list(
        Alert.objects.filter(organization=organization, fired_at__gt=now - timedelta(days=7))
        .select_related("item__customer", "response__customer")
        .order_by("-fired_at", "-pk")[:200]
    )
    rank = {kind.value: i for i, kind in enumerate(URGENCY)}
    alerts.sort(key=lambda a: rank.get(a.kind, len(rank)))  # stable: newest first within a kind
    for alert in alerts:  # whom it is about, for a link to their page
        alert.kind_words = KIND_WORDS.get(alert.kind, alert.get_kind_display())  # type: ignore[attr-defined]
        source = alert.item or alert.response
        alert.customer = source.customer if source is not None else None  # type: ignore[attr-defined]
    return alerts[:limit]


# ---------------------------------------------------------------- customers


def _latest_response(field_name: str) -> Subquery:
    """The customer's latest scored answer's `field_name`, identified surveys only (pseudonymous
    and trustee answers name no customer): the inbox's rule for a customer's current tier."""
    latest = (
        Response.objects.filter(customer_id=OuterRef("pk"), survey__trust_mode=TrustMode.IDENTIFIED)
        .exclude(tier="")
        .order_by("-submitted_at", "-id")
        .values(field_name)[:1]
    )
    return Subquery(latest)


def customers_with_tiers(organization: Organization, *, search: str = "") -> QuerySet[Customer]:
    """The customer list with each one's current tier, last score and its scale: one query."""
    return list_customers(organization, search=search).annotate(
        tier=_latest_response("tier"),
        last_score=_latest_response("score"),
        last_kind=_latest_response("survey__score_kind"),
        last_at=_latest_response("submitted_at"),
    )


@dataclass(frozen=True)
class TierPoint:
    at: datetime
    survey: str
    kind: str
    score: int | None
    tier: str


def tier_history(customer: Customer, *, limit: int = 52) -> list[TierPoint]:
    """The customer's scored answers, oldest first (the latest `limit`): one query."""
    rows = list(
        Response.objects.filter(
            organization_id=customer.organization_id,
            customer=customer,
            survey__trust_mode=TrustMode.IDENTIFIED,
        )
        .exclude(tier="")
        .order_by("-submitted_at", "-id")
        .values_list("submitted_at", "survey__title", "survey__score_kind", "score", "tier")[:limit]
    )
    return [TierPoint(*row) for row in reversed(rows)]
