"""Retention: an organization may keep customers' words for N months only. The sweep removes
older text (comments, follow-up answers, tickets, reviews, the embeddings made from them) and
keeps scores, tiers, sentiment and themes, so dashboards do not change."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from earful.accounts.models import Organization
from earful.feedback.models import FeedbackItem
from earful.insights.models import ItemEmbedding
from earful.privacy.models import RetentionPolicy
from earful.surveys.models import Answer, Response

REMOVED = "[removed: older than the retention period]"
MONTH = timedelta(days=30)


class RetentionInvalid(ValueError):
    pass


def set_retention(*, organization: Organization, raw_text_months: int | None) -> RetentionPolicy:
    if raw_text_months is not None and not 1 <= raw_text_months <= 600:
        raise RetentionInvalid("raw_text_months: a whole number from 1 to 600, or null to keep")
    policy, _ = RetentionPolicy.objects.update_or_create(
        organization=organization, defaults={"raw_text_months": raw_text_months}
    )
    return policy


def retention_for(organization: Organization) -> RetentionPolicy:
    found = RetentionPolicy.objects.filter(organization=organization).first()
    return found or RetentionPolicy(organization=organization)


def _remove_older_than(organization_id: int, cutoff: datetime) -> int:
    items = FeedbackItem.objects.filter(organization_id=organization_id, received_at__lt=cutoff)
    items = items.exclude(text=REMOVED)
    with transaction.atomic():
        ids = list(items.values_list("id", flat=True)[:5000])
        ItemEmbedding.objects.filter(item_id__in=ids).delete()
        FeedbackItem.objects.filter(id__in=ids).update(text=REMOVED, title="", metadata={})
        old = Response.objects.filter(organization_id=organization_id, submitted_at__lt=cutoff)
        Answer.objects.filter(response__in=old).exclude(text="", comment="").update(
            text="", comment=""
        )
        for response in old.exclude(probe_answer="", answers_given={}).only("id", "answers_given")[
            :5000
        ]:
            kept = {
                k: v for k, v in (response.answers_given or {}).items() if not isinstance(v, str)
            }
            Response.objects.filter(id=response.id).update(answers_given=kept, probe_answer="")
    return len(ids)


def apply_retention(*, now: datetime | None = None) -> int:
    """The worker's daily sweep: every organization with a retention period. Returns the number
    of feedback items whose text was removed."""
    now = now or timezone.now()
    removed = 0
    for policy in RetentionPolicy.objects.exclude(raw_text_months=None):
        cutoff = now - MONTH * int(policy.raw_text_months or 0)
        removed += _remove_older_than(policy.organization_id, cutoff)
    return removed
