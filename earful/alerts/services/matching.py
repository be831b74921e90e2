"""What each rule kind finds among feedback items and survey responses, as Candidates with the
words people read. Each finder narrows its queryset in SQL, so the same function serves a
task (the items just recorded or enriched) and the sweep (the last FRESH days, less what the
rule already fired on). Theme spikes are in `spikes`, being about volumes, not items.

Nothing older than FRESH when first seen fires: an import of last year's reviews is history,
not something a person must act on now."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from earful.alerts.models import Alert, AlertRule, RuleKind
from earful.alerts.services.firing import Candidate
from earful.alerts.services.parameters import defaults
from earful.alerts.services.velocity import (
    Point,
    Velocity,
    explain_velocity,
    is_fast,
    post_velocity,
)
from earful.feedback.models import Channel, FeedbackItem, Sentiment
from earful.ingest.models import PostSnapshot
from earful.insights.services.score_scales import score_scales
from earful.surveys.models import Question, Response, TrustMode
from earful.surveys.scoring import SCALES, QuestionType, Tier, tier_for
from earful.surveys.selectors import held_back_responses

FRESH = timedelta(days=7)
Finder = Callable[[AlertRule, QuerySet[FeedbackItem], datetime], list[Candidate]]
SURVEY_PREFIX = "survey-response:"
QUOTE = 500  # characters of a text quoted in an alert
_LABELS: dict[str, str] = {"nps": "NPS", "csat": "CSAT", "ces": "CES", "rating": "rating"}
# What a low answer is called on its own scale: only NPS has detractors.
_LOW_WORDS: dict[str, str] = {
    "nps": "Detractor",
    "csat": "Not satisfied",
    "ces": "Hard work",
    "rating": "Low rating",
}


def params(rule: AlertRule) -> dict[str, Any]:
    return {**defaults(rule.kind), **rule.parameters}


def quote(text: str, limit: int = QUOTE) -> str:
    text = " ".join(text.split())
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


def not_fired(rule: AlertRule, items: QuerySet[FeedbackItem]) -> QuerySet[FeedbackItem]:
    return items.exclude(Exists(Alert.objects.filter(rule=rule, item_id=OuterRef("pk"))))


# ---------------------------------------------------------------- detractors


def low_cut(kind: str, nps_at_most: int) -> int:
    """The highest score that fires: the rule's NPS cut, else the top of the dissatisfied
    tier (earful.surveys.scoring: CSAT and ratings 3 of 1-5, CES 4 of 1-7)."""
    if kind == QuestionType.NPS:
        return nps_at_most
    low, high = SCALES[kind]
    return max(v for v in range(low, high + 1) if tier_for(kind, v) == Tier.DISSATISFIED)


def _fires(kind: str, score: int, p: dict[str, Any]) -> int | None:
    """The cut the score is at or below, or None when it does not fire."""
    if kind not in SCALES or (kind != QuestionType.NPS and not p["other_scales"]):
        return None
    cut = low_cut(kind, p["nps_at_most"])
    return cut if score <= cut else None


def _who_answered(response: Response) -> str:
    """As the survey's trust mode allows members to see it."""
    mode = response.survey.trust_mode
    if mode == TrustMode.TRUSTEE:
        return "A respondent (trustee survey: nobody sees who)"
    if mode == TrustMode.PSEUDONYMOUS:
        return f"Respondent {response.respondent_code or 'without a code'}"
    customer = response.customer
    if customer is not None:
        return f"{customer.name or customer.external_id}" + (
            f" ({customer.email})" if customer.email else ""
        )
    return response.customer_ref or "An anonymous respondent"


def _comments(responses: list[Response]) -> dict[int, list[str]]:
    """Each response's words: comments under questions, open answers, the follow-up's."""
    text_keys: dict[int, set[str]] = defaultdict(set)
    for survey_id, key, kind in Question.objects.filter(
        survey_id__in={r.survey_id for r in responses}
    ).values_list("survey_id", "key", "type"):
        text_keys[survey_id].add(f"{key}_comment")
        if kind == QuestionType.TEXT:
            text_keys[survey_id].add(key)
    said = {}
    for r in responses:
        given = r.answers_given or {}
        words = [
            str(given[k]).strip()
            for k in sorted(text_keys[r.survey_id])
            if isinstance(given.get(k), str) and given[k].strip()
        ]
        said[r.pk] = [*words, *([r.probe_answer] if r.probe_answer.strip() else [])]
    return said


def _trustee_held_back(
    responses: QuerySet[Response], organization_id: int, now: datetime
) -> QuerySet[Response]:
    """Less a trustee survey's answers while the survey has fewer than MIN_GROUP responses,
    and those of today (UTC): a trustee answer goes out the day after, never live, so its
    alert cannot tell when it was given (docs/user/trust.md)."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return responses.exclude(pk__in=held_back_responses(organization_id).values("pk")).exclude(
        survey__trust_mode=TrustMode.TRUSTEE, submitted_at__gte=today
    )


def detractor_responses(
    rule: AlertRule, responses: QuerySet[Response], now: datetime
) -> list[Candidate]:
    """Responses whose headline score is low (the rule's NPS cut, or the dissatisfied tier)."""
    p = params(rule)
    widest = max(p["nps_at_most"], 4 if p["other_scales"] else 0)
    rows = list(
        _trustee_held_back(responses, rule.organization_id, now)
        .filter(
            organization_id=rule.organization_id,
            score__isnull=False,
            score__lte=widest,
            submitted_at__gte=now - FRESH,
        )
        .select_related("survey", "customer")
    )
    fired = []
    for r in rows:
        if _fires(r.survey.score_kind, r.score, p) is not None:  # type: ignore[arg-type]
            fired.append(r)
    said = _comments(fired)
    return [_detractor(rule, r, said[r.pk], p) for r in fired]


def _detractor(rule: AlertRule, r: Response, said: list[str], p: dict[str, Any]) -> Candidate:
    kind = r.survey.score_kind
    low, high = SCALES[kind]
    cut = low_cut(kind, p["nps_at_most"])
    label = _LABELS.get(kind, kind)
    text = (
        f"{_who_answered(r)} answered {label} {r.score} (of {low}-{high}) in the survey "
        f"“{r.survey.title}”: at or below the rule's {cut}."
    )
    if said:
        text += " They wrote: " + " / ".join(quote(s, 300) for s in said)
    else:
        text += " No comment (yet)."
    return Candidate(
        dedupe_key=f"response:{r.uid}",
        summary=f"{_LOW_WORDS.get(kind, 'Low score')}: {label} {r.score} on “{r.survey.title}”",
        text=text,
        response=r,
        details={"score": r.score, "scale": f"{low}-{high}", "kind": kind, "at_most": cut},
    )


def response_uid(item: FeedbackItem) -> str | None:
    """The uid of the response behind a survey item (its source key names it), if any."""
    if not item.source_key.startswith(SURVEY_PREFIX):
        return None
    uid = item.source_key[len(SURVEY_PREFIX) :].partition(":")[0]
    try:
        return str(uuid.UUID(uid))
    except ValueError:
        return None


def responses_of_items(items: Iterable[FeedbackItem]) -> list[str]:
    return [uid for item in items if (uid := response_uid(item))]


_KIND_OF_SCALE: dict[tuple[float, float], str] = {
    (float(lo), float(hi)): kind for kind, (lo, hi) in SCALES.items()
}
_KIND_OF_SCALE[(1.0, 5.0)] = QuestionType.CSAT  # CSAT and ratings share 1-5 and their tiers


def detractor_items(
    rule: AlertRule, items: QuerySet[FeedbackItem], now: datetime
) -> list[Candidate]:
    """Scored survey items not from a response (feedback given through the API, imports);
    those from a response are judged with their response (`detractor_responses`)."""
    p = params(rule)
    widest = max(p["nps_at_most"], 4 if p["other_scales"] else 0)
    rows = list(
        items.filter(channel=Channel.SURVEY, score__isnull=False, score__lte=widest)
        .exclude(source_key__startswith=SURVEY_PREFIX)
        .select_related("customer")
    )
    found = []
    for item, scale in zip(rows, score_scales(rows), strict=True):
        kind = _KIND_OF_SCALE.get(scale)
        cut = _fires(kind, item.score, p) if kind else None  # type: ignore[arg-type]
        if cut is None:
            continue
        customer = item.customer
        who = (customer.name or customer.external_id) if customer else (item.author or "Someone")
        low = f"{_LOW_WORDS.get(kind, 'Low score')}: {_LABELS.get(kind, kind)}"  # type: ignore[arg-type]
        found.append(
            Candidate(
                dedupe_key=f"item:{item.pk}",
                summary=f"{low} {item.score}",
                text=(
                    f"{who} answered {item.score} (of {scale[0]:g}-{scale[1]:g}): at or below "
                    f"the rule's {cut}. They wrote: {quote(item.text)}"
                ),
                item=item,
                details={
                    "score": item.score,
                    "scale": f"{scale[0]:g}-{scale[1]:g}",
                    "at_most": cut,
                },
            )
        )
    return found


# ---------------------------------------------------------------- reviews


def negative_reviews(
    rule: AlertRule, items: QuerySet[FeedbackItem], now: datetime
) -> list[Candidate]:
    stars = params(rule)["stars_at_most"]
    rows = items.filter(
        channel=Channel.REVIEW, score__isnull=False, score__lte=stars, score_scale__in=["", "1-5"]
    )
    found = []
    for item in rows:
        where = f" on {item.source.replace('_', ' ').title()}" if item.source else ""
        by = f" by {item.author}" if item.author else ""
        headline = item.title or item.text
        found.append(
            Candidate(
                dedupe_key=f"item:{item.pk}",
                summary=f"{item.score}★ review{where}{by}: {quote(headline, 80)}",
                text=(
                    f"A {item.score}-star review{where}{by} (the rule fires at {stars} stars "
                    f"or fewer): " + (f"{item.title}: " if item.title else "") + quote(item.text)
                ),
                item=item,
                source_url=item.url,
                details={"stars": item.score, "at_most": stars},
            )
        )
    return found


# ---------------------------------------------------------------- key accounts


def _identified_survey_items(items: list[FeedbackItem]) -> set[int]:
    """The survey items whose survey lets members see who answered."""
    uids = {i.pk: uid for i in items if (uid := response_uid(i))}
    by_uid = {
        str(uid): mode
        for uid, mode in Response.objects.filter(uid__in=list(uids.values())).values_list(
            "uid", "survey__trust_mode"
        )
    }
    return {pk for pk, uid in uids.items() if by_uid.get(uid) == TrustMode.IDENTIFIED}


def key_account_hesitant(
    rule: AlertRule, items: QuerySet[FeedbackItem], now: datetime
) -> list[Candidate]:
    """Hesitant items from customers of key accounts. A survey answer counts only when its
    survey is identified: a pseudonymous or trustee answer must not point at its company."""
    rows = list(
        items.filter(hesitant=True, customer__account__is_key=True).select_related(
            "customer__account"
        )
    )
    survey_items = [i for i in rows if i.source_key.startswith(SURVEY_PREFIX)]
    shown = _identified_survey_items(survey_items) if survey_items else set()
    found = []
    for item in rows:
        if item.source_key.startswith(SURVEY_PREFIX) and item.pk not in shown:
            continue
        customer = item.customer
        account = customer.account  # type: ignore[union-attr]
        who = customer.name or customer.external_id  # type: ignore[union-attr]
        found.append(
            Candidate(
                dedupe_key=f"item:{item.pk}",
                summary=f"Hesitant answer from key account {account.name}",  # type: ignore[union-attr]
                text=(
                    f"{who} ({account.name}, a key account) wrote in a "  # type: ignore[union-attr]
                    f"{item.get_channel_display().lower()}: {quote(item.text)} "
                    f"Why it reads as hesitant: {item.hesitancy_explanation or 'hedged words'}."
                ),
                item=item,
                source_url=item.url,
                details={"account": account.name, "reason": item.hesitancy_code},  # type: ignore[union-attr]
            )
        )
    return found


# ---------------------------------------------------------------- viral risk


def _snapshots(items: list[FeedbackItem]) -> dict[int, list[Point]]:
    points: dict[int, list[Point]] = defaultdict(list)
    rows = PostSnapshot.objects.filter(item__in=items).order_by("item_id", "observed_at")
    for item_id, at, likes, shares, comments, reach in rows.values_list(
        "item_id", "observed_at", "likes", "shares", "comments", "reach"
    ):
        points[item_id].append(Point(at, likes + shares + comments, reach))
    return points


def viral_risk(rule: AlertRule, items: QuerySet[FeedbackItem], now: datetime) -> list[Candidate]:
    """Negative public posts whose engagement (or reach) grows faster than the rule's rate."""
    p = params(rule)
    rows = list(items.filter(channel=Channel.SOCIAL, sentiment=Sentiment.NEGATIVE))
    points = _snapshots(rows) if rows else {}
    window = timedelta(hours=p["window_hours"])
    thresholds = {
        "engagement_threshold": float(p["engagements_per_hour"]),
        "reach_threshold": p["reach_per_hour"],
    }
    found = []
    for item in rows:
        velocity = post_velocity(item.received_at, points.get(item.pk, []), window=window)
        if velocity is not None and is_fast(velocity, **thresholds):
            found.append(_viral(item, velocity, thresholds))
    return found


def _viral(item: FeedbackItem, velocity: Velocity, thresholds: dict[str, Any]) -> Candidate:
    by = f" by {item.author}" if item.author else ""
    reach = velocity.reach_per_hour
    return Candidate(
        dedupe_key=f"item:{item.pk}",
        summary=f"Viral risk: negative post{by} gaining {velocity.per_hour:,.0f} "
        "likes+shares+comments an hour",
        text=(
            f"A negative public post{by}: {quote(item.text, 300)} "
            + explain_velocity(velocity, **thresholds)
        ),
        item=item,
        source_url=item.url,
        details={
            "engagement_gained": velocity.gained,
            "reach_gained": velocity.reach_gained,
            "hours": round(velocity.hours, 3),
            "engagements_per_hour": round(velocity.per_hour, 1),
            "reach_per_hour": None if reach is None else round(reach, 1),
            "threshold_engagements_per_hour": thresholds["engagement_threshold"],
            "threshold_reach_per_hour": thresholds["reach_threshold"],
            "from": velocity.start.at.isoformat(),
            "to": velocity.end.at.isoformat(),
        },
    )


ITEM_FINDERS: dict[str, Finder] = {
    RuleKind.DETRACTOR: detractor_items,
    RuleKind.NEGATIVE_REVIEW: negative_reviews,
    RuleKind.KEY_ACCOUNT_HESITANT: key_account_hesitant,
    RuleKind.VIRAL_RISK: viral_risk,
}


def fresh_items(rule: AlertRule, now: datetime) -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.filter(
        organization_id=rule.organization_id, received_at__gte=now - FRESH
    )
