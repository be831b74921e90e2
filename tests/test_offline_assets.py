"""Every page works offline: no template loads a script, style or font from another site, and
the API docs (Swagger UI) come from Earful's own static files."""

from __future__ import annotations

import re
from pathlib import Path

import earful

ASSET = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=\"https?://", re.IGNORECASE)


def test_no_template_loads_an_asset_from_another_site():
    root = Path(earful.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("templates/**/*.html")
        if ASSET.search(path.read_text())
    ]
    assert offenders == []


def test_the_api_docs_load_swagger_ui_from_earfuls_own_static_files(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert not ASSET.search(html)
