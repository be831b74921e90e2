"""The demo history makes every list meaningful: some said fine and left, some superfans,
some nobody has touched in 90 days; loyalty levels reached; a referral that bought."""

from __future__ import annotations

from django.utils import timezone

from earful.demo.services import seed_demo
from earful.health import selectors


def test_the_demo_fills_every_list(db):
    now = timezone.now()
    summary = seed_demo(now=now, customers=150, responses=450, voices=0.0)
    org = summary.organization
    said = selectors.said_fine_then_left(org)
    assert said
    assert all(h.last_voice and h.last_voice.text for h in said)
    assert selectors.superfans(org)
    radar = selectors.indifference_radar(org, days=90, now=now)
    assert any(r.days is None for r in radar)
    assert selectors.referral_stats(org).bought >= 1
    assert selectors.overview(org).total >= 150
