"""`earful seed-demo` analyzes the demo's comments, within a time budget, the rest in the
background. (Called by name: insights does not import the demo app.)"""

from __future__ import annotations

import io
import subprocess

from django.core.management import call_command

from earful.feedback.models import FeedbackItem


def test_seed_demo_analyzes_the_comments_it_wrote(db):
    out = io.StringIO()
    call_command("seed_demo", customers=10, responses=20, stdout=out)
    assert FeedbackItem.objects.exists()
    assert not FeedbackItem.objects.filter(analyzed_at=None).exists()
    assert "comments: analyzed" in out.getvalue()


def test_seed_demo_leaves_what_it_had_no_time_for_to_a_background_process(
    db, monkeypatch, settings, tmp_path
):
    started: list[list[str]] = []

    def popen(args, **kwargs):  # the edge of the outside world: a new process
        started.append(args)

    monkeypatch.setattr(subprocess, "Popen", popen)
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("seed_demo", customers=10, responses=20, analysis_seconds=0, stdout=out)
    pending = FeedbackItem.objects.filter(analyzed_at=None).count()
    assert pending == FeedbackItem.objects.count() > 0
    assert f"the other {pending} are being analyzed in the background" in out.getvalue()
    assert str(tmp_path / "demo-analysis.log") in out.getvalue()
    (args,) = started
    assert "'enrich', '--org', 'demo'" in args[-1]
