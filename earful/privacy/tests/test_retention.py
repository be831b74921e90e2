"""Retention: words older than the organization's period go, scores stay."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from earful.feedback.models import FeedbackItem
from earful.privacy.retention import REMOVED, apply_retention
from earful.surveys.models import Response
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey


def put(client, body):
    return client.put("/api/v1/retention", json.dumps(body), content_type="application/json")


def test_words_older_than_the_period_are_removed_and_scores_kept(alice, charlie):
    long_ago = timezone.now() - timedelta(days=400)
    for persona in (alice, charlie):
        survey = make_survey(persona.organization)
        submit_response(
            survey=survey,
            answers={"nps": 2, "nps_comment": "Old complaint"},
            key="old",
            submitted_at=long_ago,
        )
        submit_response(survey=survey, answers={"nps": 9, "nps_comment": "New praise"}, key="new")
    FeedbackItem.objects.update(received_at=long_ago)
    FeedbackItem.objects.filter(text="New praise").update(received_at=timezone.now())
    assert put(alice.api, {"raw_text_months": 12}).status_code == 200
    apply_retention()
    mine = FeedbackItem.objects.filter(organization=alice.organization)
    assert sorted(mine.values_list("text", flat=True)) == sorted(["New praise", REMOVED])
    old = Response.objects.get(organization=alice.organization, idempotency_key="old")
    assert old.score == 2
    assert "nps_comment" not in old.answers_given
    theirs = FeedbackItem.objects.filter(organization=charlie.organization)
    assert REMOVED not in theirs.values_list("text", flat=True)  # charlie set no period


def test_a_period_out_of_range_is_refused_naming_the_field(alice):
    response = put(alice.api, {"raw_text_months": 0})
    assert response.status_code == 422
    assert "raw_text_months" in json.dumps(response.json())


def test_the_page_sets_the_period(alice):
    assert alice.client.post("/privacy/retention/", {"raw_text_months": "24"}).status_code == 302
    assert alice.api.get("/api/v1/retention").json() == {"raw_text_months": 24}
    assert alice.client.post("/privacy/retention/", {"raw_text_months": "-3"}).status_code == 422
