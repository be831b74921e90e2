"""Project-wide promises: the API document is current, every setting is documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

from earful.api import api
from earful.cli import _command_name

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_openapi_document_matches_the_api():
    committed = json.loads((ROOT / "docs/api/openapi.json").read_text())
    current = json.loads(json.dumps(api.get_openapi_schema()))
    assert committed == current, "run `make openapi` and commit the result"


def test_the_openapi_document_is_served(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert "/api/v1/public/surveys/{public_id}/responses" in served.json()["paths"]


def test_every_earful_setting_is_documented():
    sources = [*ROOT.glob("earful/**/*.py"), ROOT / ".ci/run", ROOT / "Makefile"]
    used = {name for path in sources for name in re.findall(r"EARFUL_[A-Z_]+", path.read_text())}
    documented = (ROOT / "docs/self-hosting/configuration.md").read_text()
    missing = sorted(name for name in used if f"`{name}`" not in documented)
    assert used, "expected to find settings"
    assert missing == []


def test_the_cli_maps_friendly_names_to_management_commands():
    assert _command_name(["seed-demo"]) == ["seed_demo"]
    assert _command_name(["import", "customers", "f.csv", "--org", "a"]) == [
        "import_customers",
        "f.csv",
        "--org",
        "a",
    ]
    assert _command_name(["worker"]) == [
        "run_worker"
    ]  # db_worker, resilient (earful/core/worker.py)


def test_the_readme_starts_with_the_two_commands():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:30])
    assert "make demo" in first_screen
    assert "make test" in first_screen
