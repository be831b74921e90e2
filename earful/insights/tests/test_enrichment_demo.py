"""`earful seed-demo` analyzes every comment of the demo and finds its themes before the server
starts, with no time budget: the demo is complete at first open. (Called by name: insights does
not import the demo app.)"""

from __future__ import annotations

import io

from django.core.management import call_command

from earful.feedback.models import FeedbackItem


def test_seed_demo_analyzes_every_comment_it_wrote_and_finds_the_themes(db):
    out = io.StringIO()
    call_command("seed_demo", customers=10, responses=20, stdout=out)
    assert FeedbackItem.objects.exists()
    assert not FeedbackItem.objects.filter(analyzed_at=None).exists()
    assert "comments: analyzed" in out.getvalue()
    assert "themes: " in out.getvalue()
    assert "background" not in out.getvalue()
