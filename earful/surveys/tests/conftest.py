from __future__ import annotations

import pytest


@pytest.fixture
def deferred(settings):
    """Tasks are queued, not run: the window between accepting an answer and expanding it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
