"""The builder page's wording, settings and translation pages."""

from __future__ import annotations

import pytest

from earful.surveys.models import Survey
from earful.surveys.tests.factories import make_survey

SETTINGS = {
    "title": "Relationship NPS",
    "intro": "Two minutes, no more.",
    "thank_you": "",
    "probe_text": "What would make us a 10 for you?",
    "trust_mode": "trustee",
    "prize_draw": "on",
    "default_language": "en",
    "languages": "fr, de",
}


def test_the_builder_shows_the_follow_up_trust_mode_prize_draw_and_languages(alice):
    survey = make_survey(alice.organization, published=False)
    html = alice.client.get(f"/surveys/{survey.pk}/").content.decode()
    for name in ("probe_text", "trust_mode", "prize_draw", "default_language", "languages"):
        assert f'name="{name}"' in html
    assert 'value="pseudonymous"' in html


def test_alice_saves_the_settings_on_the_builder(alice):
    survey = make_survey(alice.organization, published=False)
    reply = alice.client.post(f"/surveys/{survey.pk}/settings/", SETTINGS)
    assert reply.status_code == 302
    survey.refresh_from_db()
    assert survey.probe_text == "What would make us a 10 for you?"
    assert (survey.trust_mode, survey.prize_draw) == ("trustee", True)
    assert survey.intro == "Two minutes, no more."
    assert survey.spoken_languages == ["en", "fr", "de"]
    page = alice.client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "French (fr)" in page
    assert "German (de)" in page
    assert "4 texts missing" in page  # nps, ease, plan + plan's choices, per language


def test_a_bad_language_code_is_refused_on_the_builder_naming_it(alice):
    survey = make_survey(alice.organization, published=False)
    reply = alice.client.post(
        f"/surveys/{survey.pk}/settings/", {**SETTINGS, "languages": "fr xx_!"}
    )
    assert reply.status_code == 422
    assert "is not a language code" in reply.content.decode()
    assert Survey.objects.get().spoken_languages == ["en"]


def test_a_published_survey_s_trust_mode_stays_as_published(alice):
    survey = make_survey(alice.organization)
    alice.client.post(f"/surveys/{survey.pk}/settings/", {**SETTINGS, "languages": ""})
    survey.refresh_from_db()
    assert survey.trust_mode == "identified"  # the field is disabled once published
    assert survey.probe_text == "What would make us a 10 for you?"


def test_alice_translates_a_survey_on_its_language_page_and_publishes_it(alice):
    survey = make_survey(alice.organization, published=False)
    picked = alice.client.get(f"/surveys/{survey.pk}/translations/?language=FR")
    assert picked["Location"] == f"/surveys/{survey.pk}/translations/fr/"
    page = alice.client.get(picked["Location"]).content.decode()
    assert "How likely are you to recommend us?" in page  # the default wording, beside
    saved = alice.client.post(
        picked["Location"],
        {
            "title": "NPS relationnel",
            "q-nps-text": "Nous recommanderiez-vous ?",
            "q-ease-text": "Était-ce facile ?",
            "q-plan-text": "Votre formule",
            "q-plan-choices": "Gratuite\nPro",
        },
    )
    assert saved.status_code == 302
    survey.refresh_from_db()
    assert survey.translations == {"fr": {"title": "NPS relationnel"}}
    assert survey.questions.get(key="plan").translations == {
        "fr": {"text": "Votre formule", "choices": ["Gratuite", "Pro"]}
    }
    alice.client.post(f"/surveys/{survey.pk}/publish/")
    assert Survey.objects.get().is_published


def test_a_translation_with_too_few_choices_is_refused_on_its_field(alice):
    survey = make_survey(alice.organization, published=False)
    reply = alice.client.post(
        f"/surveys/{survey.pk}/translations/fr/",
        {"q-nps-text": "Recommander ?", "q-plan-choices": "Gratuite"},
    )
    assert reply.status_code == 422
    assert "give 2 choices, in the order of the default ones" in reply.content.decode()
    assert Survey.objects.get().translations == {}


def test_publishing_on_the_builder_names_the_untranslated_question_and_language(alice):
    survey = make_survey(alice.organization, published=False, languages=["fr"])
    page = alice.client.post(f"/surveys/{survey.pk}/publish/", follow=True).content.decode()
    assert "Not published: question &#x27;nps&#x27; has no text in &#x27;fr&#x27;" in page
    assert Survey.objects.get().status == "draft"


def test_the_default_language_has_no_translation_page(alice):
    survey = make_survey(alice.organization, published=False)
    assert alice.client.get(f"/surveys/{survey.pk}/translations/en/").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/surveys/{id}/settings/"),
        ("get", "/surveys/{id}/translations/?language=fr"),
        ("get", "/surveys/{id}/translations/fr/"),
        ("post", "/surveys/{id}/translations/fr/"),
    ],
)
def test_charlie_gets_404_for_alice_s_settings_and_translation_pages(alice, charlie, method, path):
    survey = make_survey(alice.organization, published=False)
    reply = getattr(charlie.client, method)(path.format(id=survey.pk), SETTINGS)
    assert reply.status_code == 404
    assert Survey.objects.get().spoken_languages == ["en"]


def test_a_viewer_cannot_change_settings_or_translations(alice, persona_with_role):
    survey = make_survey(alice.organization, published=False)
    viewer = persona_with_role("viewer")
    assert viewer.client.post(f"/surveys/{survey.pk}/settings/", SETTINGS).status_code == 403
    assert viewer.client.get(f"/surveys/{survey.pk}/translations/fr/").status_code == 403
