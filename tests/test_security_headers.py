"""Security headers and production settings (issue 14, item 7): a Content-Security-Policy on
every page with nothing inline for it to block, and `earful check --deploy` clean with the
production settings docs/self-hosting/configuration.md documents."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from earful.core.security import CONTENT_SECURITY_POLICY
from earful.surveys.tests.factories import make_survey

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "earful").rglob("templates/**/*.html"))


def test_every_page_carries_the_policy_without_unsafe_inline(alice):
    survey = make_survey(alice.organization)
    pages = [
        (Client(), "/login/"),
        (Client(), f"/s/{survey.public_id}/"),
        (alice.client, "/surveys/"),
        (alice.client, f"/surveys/{survey.pk}/"),
        (alice.client, f"/surveys/{survey.pk}/dashboard/"),
        (alice.client, "/inbox/"),
        (alice.client, "/insights/movement/"),
        (alice.client, "/settings/widget/"),
        (Client(), "/widget.js"),
        (alice.api, "/api/v1/surveys"),
    ]
    for client, url in pages:
        reply = client.get(url)
        assert reply.status_code == 200, url
        assert reply["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_inline_script_or_style(template):
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>: use a file"
    assert "<style" not in html, "inline <style>: use a static CSS file"
    assert not re.search(r"\sstyle=", html), "style attribute: use a class"
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute: use a script file"


def test_pages_tell_htmx_not_to_inject_its_style(alice):
    html = alice.client.get("/surveys/").content.decode()
    assert '"includeIndicatorStyles": false' in html


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    documented = (ROOT / "docs/self-hosting/configuration.md").read_text()
    block = documented.split("## Production", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    settings = {
        name: value.split("#")[0].strip()
        for name, _, value in (line.partition("=") for line in block.strip().splitlines())
    }
    settings["EARFUL_SECRET_KEY"] = "k" * 30 + "-Q9#zv!" + "p" * 20  # the placeholder, filled
    env = {**os.environ, **settings, "EARFUL_DATA_DIR": str(tmp_path)}
    env.pop("EARFUL_TEST_DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    run = subprocess.run(
        [sys.executable, "-c", "from earful.cli import main; main()", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "System check identified no issues" in run.stdout + run.stderr
