from __future__ import annotations

import json

import pytest
from django.test import Client

from earful.surveys.models import Response
from earful.surveys.tests.factories import make_survey
from earful.widget.models import WidgetSettings
from earful.widget.origins import clean_origin, clean_origins
from earful.widget.selectors import _origins_by_survey

SHOP = "https://alices-shop.example"


@pytest.fixture(autouse=True)
def _no_cached_origins():
    _origins_by_survey.clear()


@pytest.fixture
def survey(alice):
    s = make_survey(alice.organization)
    WidgetSettings.objects.create(
        organization=alice.organization, allowed_origins=[SHOP], feedback_survey=s
    )
    return s


def test_origins_are_normalised_and_bad_ones_named():
    assert clean_origin("https://Alices-Shop.Example/") == SHOP
    assert clean_origin("http://localhost:8080") == "http://localhost:8080"
    origins, errors = clean_origins("https://a.example\nftp://x\nhttps://a.example/path\n")
    assert origins == ["https://a.example"]
    assert len(errors) == 2


def test_the_widget_script_is_served_from_earful_itself():
    reply = Client().get("/widget.js")
    assert reply.status_code == 200
    assert reply["Content-Type"].startswith("text/javascript")
    body = reply.content.decode()
    assert "Idempotency-Key" in body
    assert "localStorage" in body  # answers queue in the browser
    assert "http" not in body.split("*/", 1)[1].replace("https://", "").replace("http://", "")


def test_the_widget_reads_the_survey_definition_from_an_allowed_origin(survey):
    reply = Client().get(f"/api/v1/public/widget/{survey.public_id}", headers={"Origin": SHOP})
    assert reply.status_code == 200
    assert reply["Access-Control-Allow-Origin"] == SHOP
    assert reply.json()["questions"][0]["scale"] == list(range(11))


def test_another_site_gets_no_cors_permission(survey):
    reply = Client().get(
        f"/api/v1/public/widget/{survey.public_id}", headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in reply
    assert "Origin" in reply["Vary"]


def test_a_preflight_from_an_allowed_origin_allows_the_idempotency_key(survey):
    reply = Client().options(
        f"/api/v1/public/surveys/{survey.public_id}/responses",
        headers={"Origin": SHOP, "Access-Control-Request-Method": "POST"},
    )
    assert reply.status_code == 204
    assert "Idempotency-Key" in reply["Access-Control-Allow-Headers"]


def test_a_preflight_from_an_unknown_origin_is_refused(survey):
    reply = Client().options(
        f"/api/v1/public/surveys/{survey.public_id}/responses",
        headers={"Origin": "https://evil.example"},
    )
    assert reply.status_code == 403


def test_a_widget_answer_retried_after_going_offline_is_stored_once(survey):
    url = f"/api/v1/public/surveys/{survey.public_id}/responses"
    body = json.dumps({"answers": {"nps": 6, "nps_comment": "Checkout was slow"}})
    headers = {"Origin": SHOP, "Idempotency-Key": "browser-queue-1"}
    first = Client().post(url, body, content_type="application/json", headers=headers)
    retried = Client().post(url, body, content_type="application/json", headers=headers)
    assert (first.status_code, retried.status_code) == (201, 200)
    assert retried["Access-Control-Allow-Origin"] == SHOP
    assert Response.objects.count() == 1


def test_the_always_on_link_leads_to_the_chosen_survey(survey, alice):
    reply = Client().get(f"/f/{alice.organization.slug}/")
    assert reply.status_code == 302
    assert reply["Location"] == f"/s/{survey.public_id}/"


def test_an_organization_without_a_feedback_survey_has_no_link(alice):
    assert Client().get(f"/f/{alice.organization.slug}/").status_code == 404


def test_alice_sets_the_allowed_sites_and_the_feedback_survey(alice):
    survey = make_survey(alice.organization)
    page = alice.client.post(
        "/settings/widget/",
        {
            "allowed_origins": "https://Alices-Shop.example/\nhttps://blog.example",
            "feedback_survey": survey.pk,
        },
        follow=True,
    )
    settings = WidgetSettings.objects.get(organization=alice.organization)
    assert settings.allowed_origins == [SHOP, "https://blog.example"]
    assert f'data-survey="{survey.public_id}"' in page.content.decode()
    assert "Preview: what a customer sees" in page.content.decode()  # the widget's panel
    assert "How likely are you to recommend us?" in page.content.decode()


def test_a_bad_origin_is_refused_with_the_reason(alice):
    page = alice.client.post("/settings/widget/", {"allowed_origins": "not a site"})
    assert page.status_code == 422
    assert "is not an origin" in page.content.decode()


def test_charlie_cannot_pick_alice_s_survey_for_his_widget(alice, charlie):
    survey = make_survey(alice.organization)
    page = charlie.client.post("/settings/widget/", {"feedback_survey": survey.pk})
    assert page.status_code == 422
    assert not WidgetSettings.objects.filter(feedback_survey=survey).exists()


def test_charlie_s_widget_page_never_shows_alice_s_settings(survey, charlie):
    html = charlie.client.get("/settings/widget/").content.decode()
    assert SHOP not in html
    assert survey.public_id not in html


def _bilingual(survey):
    from earful.surveys.services import translate_survey

    french = {"nps": {"text": "Nous recommanderiez-vous ?"}, "ease": {"text": "Facile ?"}}
    french["plan"] = {"text": "Votre formule", "choices": ["Gratuite", "Pro"]}
    return translate_survey(survey=survey, language="fr", wording={}, questions=french)


def test_the_widget_definition_is_worded_in_the_language_asked(survey):
    _bilingual(survey)
    url = f"/api/v1/public/widget/{survey.public_id}"
    asked = Client().get(f"{url}?lang=fr-FR", headers={"Accept-Language": "en"}).json()
    assert asked["language"] == "fr"
    assert asked["questions"][0]["text"] == "Nous recommanderiez-vous ?"
    assert asked["questions"][0]["comment_prompt"].startswith("Quelle est la principale raison")
    plan = asked["questions"][2]
    assert (plan["choices"], plan["choice_labels"]) == (["Free", "Pro"], ["Gratuite", "Pro"])
    assert asked["labels"]["send"] == "Envoyer"
    assert asked["thank_you"].startswith("Merci")


def test_the_widget_definition_follows_the_browser_else_the_default(survey):
    _bilingual(survey)
    url = f"/api/v1/public/widget/{survey.public_id}"
    browser = Client().get(url, headers={"Accept-Language": "de, fr-CA;q=0.8"})
    assert (browser.json()["language"], browser["Content-Language"]) == ("fr", "fr")
    assert "Accept-Language" in browser["Vary"]
    english = Client().get(f"{url}?lang=ja").json()
    assert english["language"] == "en"
    assert english["labels"]["send"] == "Send"
    assert english["questions"][2]["choice_labels"] == ["Free", "Pro"]


def test_the_widget_script_asks_in_the_browser_s_language_and_keeps_its_honeypot_apart():
    body = Client().get("/widget.js").content.decode()
    assert "navigator.language" in body
    assert '"?lang=" + encodeURIComponent(language)' in body
    assert 'name: "your-website"' in body  # no question key can take this name
    assert "if (!hp.value && Object.keys(answers).length)" in body  # a filled one sends nothing
