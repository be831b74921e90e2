"""Multi-language surveys: the language chosen for a respondent, the wording with its fallbacks,
the API's checks of translations, and the French public pages."""

from __future__ import annotations

import gettext as gettext_module
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from earful.customers.services import upsert_customer
from earful.surveys.languages import choose_language, match_language, parse_accept_language
from earful.surveys.localized import PROBE_DEFAULT, PROBE_DEFAULTS, LocalizedSurvey
from earful.surveys.models import Response, Survey
from earful.surveys.probing import DEFAULT_QUESTION, DEFAULT_QUESTIONS
from earful.surveys.services import (
    SurveyInvalid,
    publish_survey,
    translate_survey,
    update_survey,
)
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import QuestionSpec

FRENCH_QUESTIONS = (
    QuestionSpec(
        key="nps",
        type="nps",
        text="How likely are you to recommend us?",
        comment=True,
        comment_prompt="Why that score?",
        translations={"fr": {"text": "Quelle est la probabilité que vous nous recommandiez ?"}},
    ),
    QuestionSpec(
        key="plan",
        type="choice",
        text="Your plan",
        choices=["Free", "Pro"],
        translations={"fr": {"text": "Votre formule", "choices": ["Gratuite", "Pro"]}},
    ),
)


def bilingual_survey(organization, **extra):
    return make_survey(
        organization,
        questions=FRENCH_QUESTIONS,
        languages=["en", "fr"],
        translations={"fr": {"title": "NPS relationnel"}},
        **extra,
    )


# Choosing the language ---------------------------------------------------------------------


def test_accept_language_is_read_by_q_value_and_skips_refused_and_malformed_parts():
    header = "de;q=0.2, fr-CA;q=0.9, en;q=0, *;q=0.5, pt-BR, x;q=abc"
    assert parse_accept_language(header) == ["pt-br", "fr-ca", "de"]


def test_a_regional_code_is_served_its_language_and_a_language_its_only_region():
    assert match_language("fr-CA", ["en", "fr"]) == "fr"
    assert match_language("fr_ca", ["en", "fr-ca"]) == "fr-ca"
    assert match_language("pt", ["en", "pt-br"]) == "pt-br"
    assert match_language("de", ["en", "fr"]) is None
    assert match_language("not a code", ["en"]) is None


def test_the_link_s_language_comes_before_the_customer_s_before_the_browser_s():
    both = {"available": ["en", "fr", "de"], "default": "en"}
    everything = {"asked": "de", "customer_locale": "fr-FR", "accept_language": "en"}
    assert choose_language(**both, **everything) == "de"
    assert choose_language(**both, **{**everything, "asked": ""}) == "fr"
    assert choose_language(**both, **{**everything, "asked": "", "customer_locale": ""}) == "en"
    assert choose_language(**both, accept_language="fr-CA,de;q=0.5") == "fr"
    assert choose_language(**both, asked="es", customer_locale="ja-JP") == "en"


# Wording and its fallbacks -----------------------------------------------------------------


def test_every_missing_string_falls_back_on_its_own(alice):
    survey = bilingual_survey(alice.organization, intro="Two questions.", probe_text="")
    french = LocalizedSurvey.of(survey, "fr")
    nps, plan = french.questions
    assert french.title == "NPS relationnel"  # translated
    assert french.intro == "Two questions."  # not translated: the author's default wording
    assert nps.text.startswith("Quelle est la probabilité")
    assert nps.comment_label == "Why that score?"  # the author's wording, untranslated
    assert [(o.value, o.label) for o in plan.options] == [("Free", "Gratuite"), ("Pro", "Pro")]
    with translation.override("fr"):  # blank wording: the interface's own, translated
        assert french.thank_you.startswith("Merci")
        assert "nous pourrions améliorer" in french.probe_question("low_score")


def test_the_interface_s_default_follow_up_questions_are_probing_s_own_english_texts():
    assert {k: str(v) for k, v in PROBE_DEFAULTS.items()} == DEFAULT_QUESTIONS
    assert str(PROBE_DEFAULT) == DEFAULT_QUESTION


_PO_STRING = r'"((?:[^"\\]|\\.)*)"'
_PO_ENTRY = re.compile(rf"msgid ((?:{_PO_STRING}\s*)+)msgstr ((?:{_PO_STRING}\s*)+)")


def _po_text(quoted: str) -> str:
    joined = "".join(re.findall(_PO_STRING, quoted))
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), joined)


def _po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (the simple form makemessages writes)."""
    entries: dict[str, str] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        found = _PO_ENTRY.search(block)
        if found:
            entries[_po_text(found[1])] = _po_text(found[3])
    return entries


def test_the_compiled_french_catalog_matches_its_source():
    folder = Path(__file__).resolve().parents[1] / "locale" / "fr" / "LC_MESSAGES"
    source = {k: v for k, v in _po_entries(folder / "django.po").items() if k}
    with (folder / "django.mo").open("rb") as compiled:
        catalog = gettext_module.GNUTranslations(compiled)
    assert len(source) > 20
    assert all(source.values()), "every French string is translated"
    assert {k: catalog.gettext(k) for k in source} == source, "run compilemessages"


# Building: the API -------------------------------------------------------------------------


def _create(persona, **body):
    payload = {
        "title": "Relationship NPS",
        "questions": [
            {"key": "nps", "type": "nps", "text": "Recommend us?"},
            {"key": "plan", "type": "choice", "text": "Your plan", "choices": ["Free", "Pro"]},
        ],
        **body,
    }
    return persona.api.post("/api/v1/surveys", payload, content_type="application/json")


def _fields(reply) -> dict[str, str]:
    return {e["field"]: e["message"] for e in reply.json()["detail"]}


def test_alice_creates_a_bilingual_survey_by_api_and_reads_it_back(alice):
    reply = _create(
        alice,
        languages=["fr"],
        translations={"fr": {"title": "NPS", "intro": "Deux questions."}},
        questions=[
            {
                "key": "plan",
                "type": "choice",
                "text": "Your plan",
                "choices": ["Free", "Pro"],
                "translations": {"FR": {"text": " Votre formule ", "choices": ["Gratuite", "Pro"]}},
            }
        ],
    )
    assert reply.status_code == 201, reply.json()
    body = reply.json()
    assert (body["default_language"], body["languages"]) == ("en", ["en", "fr"])
    assert body["translations"]["fr"]["intro"] == "Deux questions."
    question = body["questions"][0]["translations"]["fr"]
    assert (question["text"], question["choices"]) == ("Votre formule", ["Gratuite", "Pro"])


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"languages": ["fr", "french!"]}, "languages.2", "not a language code"),
        ({"default_language": "english"}, "default_language", "not a language code"),
        ({"languages": ["fr", "fr"]}, "languages", "once"),
        ({"translations": {"de": {"title": "Umfrage"}}}, "translations.de", "not one of"),
        ({"translations": {"en": {"title": "Again"}}}, "translations.en", "default language"),
        (
            {"translations": {"fr": {"subtitle": "x"}}, "languages": ["fr"]},
            "translations.fr.subtitle",
            "Extra inputs",
        ),
    ],
)
def test_bad_languages_and_translations_are_refused_naming_the_field(alice, body, field, words):
    reply = _create(alice, **body)
    assert reply.status_code == 422
    assert words in _fields(reply)[field]
    assert not Survey.objects.exists()


def test_a_translated_choice_list_must_match_the_default_one(alice):
    question = {
        "key": "plan",
        "type": "choice",
        "text": "Your plan",
        "choices": ["Free", "Pro"],
        "translations": {"fr": {"text": "Formule", "choices": ["Gratuite"]}},
    }
    reply = _create(alice, languages=["fr"], questions=[question])
    assert reply.status_code == 422
    message = _fields(reply)["questions.0.translations.fr.choices"]
    assert "give 2 choices, in the order of the default ones (Free, Pro); 1 given" in message


def test_choices_are_refused_on_a_question_that_has_none(alice):
    question = {"key": "nps", "type": "nps", "text": "Recommend?"}
    question["translations"] = {"fr": {"text": "Recommander ?", "choices": ["a", "b"]}}
    reply = _create(alice, languages=["fr"], questions=[question])
    assert _fields(reply)["questions.0.translations.fr.choices"] == (
        "only choice questions have choices"
    )


def test_publishing_refuses_a_language_missing_a_question_s_translation(alice):
    survey = make_survey(alice.organization, published=False, languages=["fr"])
    reply = alice.api.post(f"/api/v1/surveys/{survey.pk}/publish")
    assert reply.status_code == 422
    fields = _fields(reply)
    assert fields["questions.0.translations.fr.text"].startswith(
        "question 'nps' has no text in 'fr'"
    )
    assert "questions.2.translations.fr.choices" in fields  # the choice question's labels
    assert Survey.objects.get().status == "draft"


def test_a_published_survey_takes_a_new_language_only_complete(alice):
    survey = make_survey(alice.organization, questions=[QuestionSpec("nps", "nps", "Recommend?")])
    with pytest.raises(SurveyInvalid) as refused:
        update_survey(survey=survey, languages=["en", "de"])
    assert refused.value.errors[0][0] == "questions.0.translations.de.text"
    translate_survey(
        survey=survey, language="de", wording={}, questions={"nps": {"text": "Empfehlen?"}}
    )
    survey.refresh_from_db()
    assert survey.spoken_languages == ["en", "de"]
    assert survey.questions.get().translations["de"] == {"text": "Empfehlen?"}


def test_a_published_survey_s_questions_still_cannot_change_beyond_their_translations(alice):
    survey = bilingual_survey(alice.organization)
    specs = [QuestionSpec(**{**q.__dict__, "text": "Changed"}) for q in FRENCH_QUESTIONS]
    with pytest.raises(SurveyInvalid, match="their translations can"):
        update_survey(survey=survey, questions=specs)


def test_dropping_a_language_drops_its_wording(alice):
    survey = bilingual_survey(alice.organization, published=False)
    update_survey(survey=survey, languages=["en"])
    survey.refresh_from_db()
    assert survey.translations == {}
    assert all(q.translations == {} for q in survey.questions.all())
    assert publish_survey(survey=survey).is_published


def test_charlie_gets_404_changing_alice_s_languages(alice, charlie):
    survey = bilingual_survey(alice.organization, published=False)
    reply = charlie.api.patch(
        f"/api/v1/surveys/{survey.pk}", {"languages": ["en"]}, content_type="application/json"
    )
    assert reply.status_code == 404
    assert Survey.objects.get().spoken_languages == ["en", "fr"]


# The public pages --------------------------------------------------------------------------


def test_a_french_browser_reads_the_form_in_french(alice):
    survey = bilingual_survey(alice.organization, prize_draw=True)
    page = Client().get(f"/s/{survey.public_id}/", headers={"Accept-Language": "fr-CA,en;q=0.5"})
    html = page.content.decode()
    assert '<html lang="fr">' in html
    assert page["Content-Language"] == "fr"
    assert "Accept-Language" in page["Vary"]
    assert "<h1>NPS relationnel</h1>" in html
    assert "Quelle est la probabilité que vous nous recommandiez ?" in html
    assert 'value="Free" ><label for="plan-1">Gratuite</label>' in html.replace("  ", " ")
    assert ">Envoyer</button>" in html
    assert "Participer au tirage au sort" in html
    assert "10 = très probable" in html


def test_an_english_browser_reads_the_same_form_in_english(alice):
    survey = bilingual_survey(alice.organization)
    html = Client().get(f"/s/{survey.public_id}/", headers={"Accept-Language": "en-GB"}).content
    assert b'<html lang="en">' in html
    assert b"How likely are you to recommend us?" in html
    assert b">Send</button>" in html


def test_the_link_s_lang_wins_over_the_customer_s_locale_which_wins_over_the_browser(alice):
    upsert_customer(organization=alice.organization, data={"external_id": "c-1", "locale": "fr-FR"})
    survey = bilingual_survey(alice.organization)
    url, browser = f"/s/{survey.public_id}/", {"Accept-Language": "en"}
    assert Client().get(f"{url}?c=c-1", headers=browser)["Content-Language"] == "fr"
    assert Client().get(f"{url}?c=c-1&lang=en", headers=browser)["Content-Language"] == "en"
    assert Client().get(f"{url}?c=unknown", headers=browser)["Content-Language"] == "en"


def test_an_invitation_s_signed_ref_names_the_customer_whose_locale_counts(alice):
    from earful.core.signing import sign_respondent_ref

    customer, _ = upsert_customer(
        organization=alice.organization, data={"external_id": "c-2", "locale": "fr-CA"}
    )
    survey = bilingual_survey(alice.organization)
    ref = sign_respondent_ref(survey_id=survey.pk, customer_id=customer.pk)
    page = Client().get(f"/s/{survey.public_id}/?ref={ref}", headers={"Accept-Language": "en"})
    assert page["Content-Language"] == "fr"


def test_a_french_respondent_s_errors_are_french_and_answers_keep_the_default_choice(alice):
    survey = bilingual_survey(alice.organization)
    url = f"/s/{survey.public_id}/?lang=fr"
    refused = Client().post(url, {"idempotency_key": "k", "nps": "12"})
    assert refused.status_code == 422
    assert "Choisissez un nombre entier de 0 à 10." in refused.content.decode()
    posted = Client().post(url, {"idempotency_key": "k", "nps": "10", "plan": "Free"})
    assert posted["Location"] == f"/s/{survey.public_id}/thanks/?lang=fr"
    assert Response.objects.get().answers.get(question__key="plan").text == "Free"
    thanks = Client().get(posted["Location"]).content.decode()
    assert '<html lang="fr">' in thanks
    assert "Votre réponse a bien été reçue" in thanks


def test_the_follow_up_page_asks_in_french(alice):
    survey = bilingual_survey(alice.organization)
    posted = Client().post(f"/s/{survey.public_id}/?lang=fr", {"idempotency_key": "k", "nps": "3"})
    assert posted["Location"].endswith("/follow-up/?lang=fr")
    html = Client().get(posted["Location"]).content.decode()
    assert "nous pourrions améliorer" in html
    assert f'href="/s/{survey.public_id}/thanks/?lang=fr">Passer</a>' in html


def test_a_survey_in_one_language_ignores_the_browser(alice):
    question = QuestionSpec("nps", "nps", "Recommanderiez-vous ?")
    survey = make_survey(alice.organization, default_language="fr", questions=[question])
    page = Client().get(f"/s/{survey.public_id}/", headers={"Accept-Language": "de"})
    assert page["Content-Language"] == "fr"
    assert ">Envoyer</button>" in page.content.decode()  # French interface for a French survey


# The honeypot ------------------------------------------------------------------------------


def test_the_honeypot_is_hidden_from_people_and_screen_readers(alice):
    survey = make_survey(alice.organization)
    html = Client().get(f"/s/{survey.public_id}/").content.decode()
    hidden = re.search(r'<div class="sr" aria-hidden="true">.*?</div>', html)
    assert hidden is not None
    assert 'name="your-website"' in hidden.group(0)
    assert 'tabindex="-1"' in hidden.group(0)
    assert 'autocomplete="off"' in hidden.group(0)


def test_a_filled_honeypot_is_thanked_and_nothing_is_stored(alice):
    survey = make_survey(alice.organization)
    form = {"idempotency_key": "bot", "nps": "10", "your-website": "http://spam.example"}
    posted = Client().post(f"/s/{survey.public_id}/", form)
    assert posted.status_code == 302
    assert posted["Location"] == f"/s/{survey.public_id}/thanks/"
    assert Client().get(posted["Location"]).status_code == 200
    assert not Response.objects.exists()
    human = Client().post(f"/s/{survey.public_id}/", {**form, "your-website": ""})
    assert human.status_code == 302
    assert Response.objects.count() == 1
