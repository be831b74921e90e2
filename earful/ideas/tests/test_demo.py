from __future__ import annotations

from django.test import Client
from django.utils import timezone

from earful.demo.services import seed_demo
from earful.ideas.models import (
    DeliveryState,
    DrawState,
    Idea,
    PrizeDraw,
    ReleaseDelivery,
    ResultsPage,
    Status,
)
from earful.outreach.models import OutboundMessage

SMALL = {"customers": 60, "responses": 150, "voices": 0.02}


def test_the_demo_has_a_lively_board_a_shipped_idea_results_and_a_finished_draw(db):
    summary = seed_demo(now=timezone.now(), **SMALL)
    organization = summary.organization
    ideas = Idea.objects.filter(organization=organization)
    assert ideas.filter(status=Status.DUPLICATE, merged_into__isnull=False).count() == 1
    shipped = ideas.get(status=Status.SHIPPED, release_note__isnull=False)
    deliveries = ReleaseDelivery.objects.filter(note__idea=shipped)
    assert deliveries.filter(asked="linked").exists()
    queued = deliveries.filter(state=DeliveryState.QUEUED)
    assert (
        OutboundMessage.objects.filter(pk__in=queued.values("message_id")).count() == queued.count()
    )
    assert queued.exists()
    draw = PrizeDraw.objects.get(organization=organization)
    assert draw.state == DrawState.DRAWN
    public = Client()
    assert public.get(f"/b/{organization.slug}/").status_code == 200
    page = ResultsPage.objects.get(organization=organization, published=True)
    assert public.get(f"/r/{page.public_id}/").status_code == 200
    assert public.get(f"/d/{draw.public_id}/").status_code == 200
    ideas_before = ideas.count()
    seed_demo(now=timezone.now(), **SMALL)
    assert Idea.objects.filter(organization=organization).count() == ideas_before
