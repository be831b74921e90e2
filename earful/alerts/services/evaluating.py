"""Evaluating rules: on the items just recorded or enriched, and in the
periodic sweep (theme spikes, posts whose snapshots moved without a new item, anything a lost
message missed). Every path ends in `fire_alerts`, which fires each cause once per rule."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from earful.alerts.models import Alert, AlertRule, RuleKind
from earful.alerts.services.firing import Candidate, fire_alerts
from earful.alerts.services.matching import (
    ITEM_FINDERS,
    SURVEY_PREFIX,
    detractor_responses,
    fresh_items,
    not_fired,
    responses_of_items,
)
from earful.alerts.services.spikes import theme_spikes
from earful.feedback.models import FeedbackItem
from earful.surveys.models import Response, Survey

logger = logging.getLogger(__name__)


def _enabled_rules(organization_ids: QuerySet, kinds: Iterable[str]) -> QuerySet[AlertRule]:
    return (
        AlertRule.objects.filter(
            organization_id__in=organization_ids, enabled=True, kind__in=list(kinds)
        )
        .prefetch_related("destinations")
        .order_by("pk")
    )


def _item_candidates(
    rule: AlertRule, items: QuerySet[FeedbackItem], now: datetime
) -> list[Candidate]:
    finder = ITEM_FINDERS[rule.kind]
    candidates = finder(rule, items, now)
    if rule.kind == RuleKind.DETRACTOR:  # survey answers are judged with their response
        surveyed = items.filter(source_key__startswith=SURVEY_PREFIX).only("source_key")
        uids = responses_of_items(surveyed)
        if uids:
            candidates += detractor_responses(rule, Response.objects.filter(uid__in=uids), now)
    return candidates


def evaluate_items(*, item_ids: Iterable[int], now: datetime | None = None) -> int:
    """The item rules on these items (as they are now: a rule that needs enrichment finds
    nothing in an item not analyzed yet). Returns how many alerts fired."""
    now = now or timezone.now()
    ids = sorted(set(item_ids))
    if not ids:
        return 0
    organizations = FeedbackItem.objects.filter(pk__in=ids).values("organization_id")
    fired = 0
    for rule in _enabled_rules(organizations, ITEM_FINDERS):  # one query when there are none
        items = fresh_items(rule, now).filter(pk__in=ids)
        fired += len(fire_alerts(rule=rule, candidates=_item_candidates(rule, items, now), now=now))
    return fired


def _periodic_candidates(rule: AlertRule, now: datetime) -> list[Candidate]:
    if rule.kind == RuleKind.THEME_SPIKE:
        return theme_spikes(rule, now)
    candidates = ITEM_FINDERS[rule.kind](rule, not_fired(rule, fresh_items(rule, now)), now)
    if rule.kind == RuleKind.DETRACTOR:
        surveys = Survey.objects.filter(organization_id=rule.organization_id).values("pk")
        answered = Response.objects.filter(survey_id__in=surveys).exclude(
            Exists(Alert.objects.filter(rule=rule, response_id=OuterRef("pk")))
        )  # by survey: the (survey, submitted_at) index
        candidates += detractor_responses(rule, answered, now)
    return candidates


def evaluate_periodic(*, now: datetime | None = None) -> int:
    """Every enabled rule over the last days: theme spikes (volumes), viral risk (snapshots
    move without a new item), and whatever a lost signal left. A failing rule is logged and
    the others still run. Returns how many alerts fired."""
    now = now or timezone.now()
    fired = 0
    rules = AlertRule.objects.filter(enabled=True).prefetch_related("destinations").order_by("pk")
    for rule in rules:
        try:
            fired += len(
                fire_alerts(rule=rule, candidates=_periodic_candidates(rule, now), now=now)
            )
        except Exception:
            logger.exception("alert rule %s could not be evaluated", rule.pk)
    return fired
