"""The ideas sweep (`earful ideas-sweep`, and the worker every EARFUL_IDEAS_SWEEP_SECONDS):
ideas without a stored vector get one (a lost task, no model at the time), and release notes
the contact budget held back go out in one digest per customer once it allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from earful.accounts.models import Organization
from earful.ideas.models import DeliveryState, ReleaseDelivery
from earful.ideas.services.embedding import embed_missing
from earful.ideas.services.releasing import send_release_digests


@dataclass(frozen=True)
class SweepReport:
    embedded: int
    digests: int


def sweep_ideas(*, now: datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    embedded = embed_missing()
    waiting = ReleaseDelivery.objects.filter(state=DeliveryState.DEFERRED)
    digests = 0
    for organization in Organization.objects.filter(pk__in=waiting.values("organization_id")):
        digests += send_release_digests(organization=organization, now=now)
    return SweepReport(embedded=embedded, digests=digests)
