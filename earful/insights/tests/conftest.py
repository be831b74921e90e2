"""Fixtures of the insights page tests."""

from __future__ import annotations

import pytest

from earful.insights.tests.pages_data import Shop, make_shop


@pytest.fixture
def shop(alice) -> Shop:
    """Twelve weeks of a shop's NPS answers with comments and themes (pages_data.py)."""
    return make_shop(alice.organization)
