from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from earful.ideas.models import PrizeDraw
from earful.ideas.services import draws
from earful.ideas.services.errors import IdeasInvalid
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "ideas" / "verify_draw.py"
BEACON = "The first Bitcoin block hash after 1 March 2027 12:00 UTC"


@pytest.fixture
def survey(alice):
    return make_survey(alice.organization, title="Draw survey", prize_draw=True)


def _entries(survey, n: int) -> None:
    for i in range(n):
        score = 0 if i % 2 else 10  # whatever they answered
        submit_response(survey=survey, answers={"nps": score}, key=f"k{i}", prize_draw=True)


def _drawn(alice, survey) -> PrizeDraw:
    _entries(survey, 6)
    alice.client.post(
        f"/ideas/draws/{survey.pk}/", {"step": "set_up", "prize": "A bike", "beacon_name": BEACON}
    )
    draw = PrizeDraw.objects.get(survey=survey)
    Client().post(f"/d/{draw.public_id}/", {"email": "free@entry.test"})  # no answer needed
    alice.client.post(f"/ideas/draws/{survey.pk}/", {"step": "commit"})
    alice.client.post(f"/ideas/draws/{survey.pk}/", {"step": "draw", "beacon_value": "00000abc"})
    draw.refresh_from_db()
    return draw


def test_a_draw_is_rechecked_from_its_public_page_by_the_published_script(alice, survey, tmp_path):
    draw = _drawn(alice, survey)
    assert draw.state == "drawn"
    page = Client().get(f"/d/{draw.public_id}/").content.decode()
    assert draw.winner_hash in page
    assert draw.seed in page
    assert "verify_draw.py" in page
    record = Client().get(f"/d/{draw.public_id}/draw.json").json()
    assert len(record["entries"]) == 7  # 6 respondents and one free entry
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(record))
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout
    assert "VERIFIED" in run.stdout


def test_the_script_catches_a_winner_that_the_rule_did_not_pick(alice, survey, tmp_path):
    record = Client().get(f"/d/{_drawn(alice, survey).public_id}/draw.json").json()
    others = [h for h in record["entries"] if h != record["winner_hash"]]
    record["winner_hash"] = others[0]
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(record))
    run = subprocess.run([sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "FAIL  the winner is the drawn entry" in run.stdout


def test_the_seed_stays_secret_until_the_draw_and_its_commitment_is_public(alice, survey):
    _entries(survey, 2)
    draw = draws.set_up_draw(survey=survey, prize="A bike", beacon_name=BEACON)
    record = Client().get(f"/d/{draw.public_id}/draw.json").json()
    assert record["seed"] == ""
    assert record["seed_commitment"] == draws.sha256(draw.seed)
    draws.commit_draw(draw=draw)
    assert Client().get(f"/d/{draw.public_id}/draw.json").json()["seed"] == ""


def test_a_reward_tied_to_answers_or_reviews_is_refused_with_the_reason(alice, survey):
    with pytest.raises(IdeasInvalid) as refused:
        draws.set_up_draw(survey=survey, prize="A bike", beacon_name=BEACON, eligibility="review")
    assert "FTC 16 CFR 465" in refused.value.message
    assert "Google" in refused.value.message
    page = alice.client.post(
        f"/ideas/draws/{survey.pk}/",
        {"step": "set_up", "prize": "A bike", "beacon_name": BEACON, "eligibility": "score"},
    )
    assert page.status_code == 422
    assert "16 CFR 465" in page.content.decode()


def test_a_free_entry_is_one_per_email_and_shows_the_entrant_their_code(alice, survey):
    draw = draws.set_up_draw(survey=survey, prize="A bike", beacon_name=BEACON)
    first = Client().post(f"/d/{draw.public_id}/", {"email": "Free@Entry.test"})
    again = draws.enter_free(draw=draw, email="free@entry.test")
    assert again.code in first.content.decode()
    assert survey.prize_entries.count() == 1


def test_a_draw_runs_once(alice, survey):
    draw = _drawn(alice, survey)
    with pytest.raises(IdeasInvalid):
        draws.run_draw(draw=draw, beacon_value="another value")


def test_charlie_gets_404_on_the_draw_admin(alice, charlie, survey):
    assert charlie.client.get(f"/ideas/draws/{survey.pk}/").status_code == 404
