"""The issue's acceptance walk, in-process: createorg, API survey, answers, summary, walls."""

from __future__ import annotations

import json
import re
from io import StringIO

from django.core.management import call_command
from django.test import Client


def create_org(name: str, email: str) -> str:
    out = StringIO()
    call_command("createorg", "--name", name, "--owner-email", email, stdout=out)
    return re.search(r"api token:\s+(\S+)", out.getvalue()).group(1)


def test_a_new_organization_runs_an_nps_survey_end_to_end(db):
    token = create_org("Acme", "owner@acme.test")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    survey = api.post(
        "/api/v1/surveys",
        json.dumps(
            {
                "title": "NPS",
                "questions": [
                    {"key": "nps", "type": "nps", "text": "Recommend us?", "comment": True},
                    {"key": "why", "type": "text", "text": "Anything else?"},
                    {"key": "plan", "type": "choice", "text": "Plan", "choices": ["A", "B"]},
                ],
            }
        ),
        content_type="application/json",
    ).json()
    assert api.post(f"/api/v1/surveys/{survey['id']}/publish").status_code == 200

    public = Client()
    url = f"/api/v1/public/surveys/{survey['public_id']}/responses"
    for score, key in [(10, "a"), (9, "b"), (9, "b"), (7, "c"), (2, "d")]:
        body = json.dumps({"answers": {"nps": score}})
        public.post(url, body, content_type="application/json", headers={"Idempotency-Key": key})

    summary = api.get(f"/api/v1/surveys/{survey['id']}/summary").json()
    assert summary["responses"] == 4  # the retried "b" is stored once
    assert summary["score"] == {"kind": "nps", "value": 25.0}
    assert summary["tiers"] == {"highly_satisfied": 2, "satisfied": 1, "dissatisfied": 1}

    other = Client(headers={"Authorization": f"Bearer {create_org('Other', 'x@other.test')}"})
    assert other.get(f"/api/v1/surveys/{survey['id']}/summary").status_code == 404
    assert other.get(f"/api/v1/surveys/{survey['id']}").status_code == 404
