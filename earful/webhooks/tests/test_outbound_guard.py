"""Event webhook endpoints go through the outbound guard (earful/core/outbound.py)."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/", "http://127.0.0.1:5432/"])
def test_an_endpoint_on_a_private_address_is_refused_naming_the_url(alice, settings, url):
    settings.EARFUL_ALLOW_PRIVATE_DESTINATIONS = False
    answer = alice.api.post(
        "/api/v1/webhooks", json.dumps({"url": url}), content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "url"
    assert "private or reserved" in answer.json()["detail"][0]["message"]
