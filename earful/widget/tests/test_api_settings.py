"""The widget's settings through the API, walled by organization."""

from __future__ import annotations

import json

from earful.surveys.tests.factories import make_survey


def put(client, body):
    return client.put("/api/v1/widget/settings", json.dumps(body), content_type="application/json")


def test_the_widget_settings_are_read_and_changed(alice):
    survey = make_survey(alice.organization)
    changed = put(
        alice.api, {"allowed_origins": ["https://shop.example"], "feedback_survey": survey.pk}
    )
    assert changed.status_code == 200
    assert alice.api.get("/api/v1/widget/settings").json() == {
        "allowed_origins": ["https://shop.example"],
        "feedback_survey": survey.pk,
    }


def test_a_bad_origin_is_refused_naming_the_field(alice):
    response = put(alice.api, {"allowed_origins": ["javascript:alert(1)"]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "allowed_origins"


def test_charlie_cannot_point_his_widget_at_alices_survey(alice, charlie):
    survey = make_survey(alice.organization)
    response = put(charlie.api, {"feedback_survey": survey.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "feedback_survey"
