"""Survey templates: a new survey starts from NPS, CSAT, CES, after a purchase or after a
ticket, with its questions, and the page previews the public form as the template words it."""

from __future__ import annotations

import pytest

from earful.surveys.models import Survey
from earful.surveys.services import publish_survey
from earful.surveys.starters import STARTERS

pytestmark = pytest.mark.django_db


def test_a_survey_created_from_the_nps_template_has_its_questions_and_title(alice):
    response = alice.client.post("/surveys/new/", {"starter": "nps", "title": ""})
    survey = Survey.objects.get(organization=alice.organization)
    assert response.status_code == 302
    assert survey.title == "How likely are you to recommend us?"
    assert [q.type for q in survey.questions.order_by("position")] == ["nps", "text"]


@pytest.mark.parametrize("starter", [s.key for s in STARTERS])
def test_every_template_makes_a_survey_that_can_be_published(alice, starter):
    alice.client.post("/surveys/new/", {"starter": starter, "title": f"From {starter}"})
    survey = Survey.objects.get(organization=alice.organization, title=f"From {starter}")
    assert publish_survey(survey=survey).is_published


def test_the_new_survey_page_previews_the_chosen_template(alice):
    html = alice.client.get("/surveys/new/", {"starter": "post_ticket"}).content.decode()
    assert "Preview: what a customer sees" in html
    assert "How satisfied are you with the help you got?" in html


def test_the_preview_partial_follows_the_choice(alice):
    html = alice.client.get("/surveys/new/preview/", {"starter": "ces"}).content.decode()
    assert "How easy was it to get what you needed today?" in html
    assert "<html" not in html  # a fragment htmx swaps in


def test_a_blank_survey_needs_a_title_and_an_unknown_template_is_refused(alice):
    assert alice.client.post("/surveys/new/", {"starter": "blank"}).status_code == 422
    assert alice.client.post("/surveys/new/", {"starter": "nope", "title": "x"}).status_code == 422
    assert not Survey.objects.exists()


def test_the_builder_previews_the_surveys_own_questions(alice):
    alice.client.post("/surveys/new/", {"starter": "csat", "title": "Support"})
    survey = Survey.objects.get()
    html = alice.client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "Preview: what a customer sees" in html
    assert "Overall, how satisfied are you with us?" in html


def test_charlie_cannot_see_the_builder_preview_of_org_as_survey(alice, charlie):
    alice.client.post("/surveys/new/", {"starter": "csat", "title": "Support"})
    survey = Survey.objects.get()
    assert charlie.client.get(f"/surveys/{survey.pk}/").status_code == 404
