"""Inviting customers to a survey by external id or by segment, within the contact budget."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from earful.customers.models import Customer
from earful.outreach import selectors
from earful.outreach.services.deciding import (
    BATCH,
    InviteOutcome,
    Target,
    decide_invitations,
    locked_customers,
    save_batch,
)
from earful.outreach.services.errors import OutreachInvalid
from earful.surveys.models import Survey, SurveyStatus


def _named_targets(survey: Survey, external_ids: Sequence[str]) -> list[Target]:
    refs = list(dict.fromkeys(e.strip() for e in external_ids if e and e.strip()))
    found: dict[str, Customer] = {}
    for start in range(0, len(refs), BATCH):
        chunk = refs[start : start + BATCH]
        locked = locked_customers(survey.organization_id, external_id__in=chunk)
        found.update((c.external_id, c) for c in locked)
    return [Target(ref, found.get(ref)) for ref in refs]


def _segment_targets(survey: Survey, segment: selectors.Segment, now: datetime) -> list[Target]:
    ids = list(
        selectors.segment_customers(survey.organization, segment, now=now).values_list(
            "pk", flat=True
        )
    )
    customers: list[Customer] = []
    for start in range(0, len(ids), BATCH):
        customers += locked_customers(survey.organization_id, pk__in=ids[start : start + BATCH])
    customers.sort(key=lambda c: c.external_id)
    return [Target(c.external_id, c) for c in customers]


def invite_customers(
    *,
    survey: Survey,
    external_ids: Sequence[str] | None = None,
    segment: selectors.Segment | None = None,
    now: datetime | None = None,
) -> list[InviteOutcome]:
    """Invites the customers named by external id, or a segment, within the contact budget.

    Returns one outcome per customer: queued (with the send time when the send window delays
    it) or skipped with the reason. Every outcome is also stored as a ContactDecision.
    """
    now = now or timezone.now()
    if survey.status != SurveyStatus.PUBLISHED:
        raise OutreachInvalid([("survey", "publish the survey before inviting customers")])
    if (external_ids is None) == (segment is None):
        raise OutreachInvalid([("customers", "give a list of customers or a segment")])
    conf = selectors.settings_for(survey)
    budget = selectors.policy_for(survey.organization).budget
    outcomes: list[InviteOutcome] = []
    with transaction.atomic():
        if external_ids is not None:
            targets = _named_targets(survey, external_ids)
        else:
            assert segment is not None
            targets = _segment_targets(survey, segment, now)
        for start in range(0, len(targets), BATCH):
            chunk = targets[start : start + BATCH]
            batch = decide_invitations(survey, chunk, now=now, budget=budget, conf=conf)
            save_batch(batch, now=now)
            outcomes += batch.outcomes
    return outcomes
