from __future__ import annotations

from django.test import Client

from earful.ideas.models import ResultsPage
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey


def _answers(survey, scores) -> None:
    for i, score in enumerate(scores):
        submit_response(survey=survey, answers={"nps": score}, key=f"k{i}")


def _publish(alice, survey, **fields) -> ResultsPage:
    data = {"published": "on", "changes": "Faster <b>checkout</b> in March", **fields}
    alice.client.post(f"/ideas/results/{survey.pk}/", data)
    return ResultsPage.objects.get(survey=survey)


def test_published_results_show_the_score_tiers_and_what_we_are_changing(alice):
    survey = make_survey(alice.organization)
    _answers(survey, [10] * 6 + [0] * 5)
    page = _publish(alice, survey, show_score="on", show_tiers="on")
    html = Client().get(f"/r/{page.public_id}/").content.decode()
    assert "11 people answered" in html
    assert "Headline score (NPS): 9" in html  # (6 - 5) / 11
    assert "Faster &lt;b&gt;checkout&lt;/b&gt; in March" in html


def test_no_breakdown_under_five_people(alice):
    survey = make_survey(alice.organization)
    _answers(survey, [10] * 6 + [0] * 2)  # 2 detractors: a group under 5
    page = _publish(alice, survey, show_score="on", show_tiers="on")
    html = Client().get(f"/r/{page.public_id}/").content.decode()
    assert "How satisfied" not in html
    assert "Headline score" in html


def test_fields_the_org_leaves_out_are_not_shown(alice):
    survey = make_survey(alice.organization)
    _answers(survey, [10] * 6)
    page = _publish(alice, survey)  # score and tiers left unchecked
    html = Client().get(f"/r/{page.public_id}/").content.decode()
    assert "Headline score" not in html


def test_an_unpublished_results_page_is_not_found(alice):
    survey = make_survey(alice.organization)
    page = _publish(alice, survey, published="")
    assert Client().get(f"/r/{page.public_id}/").status_code == 404


def test_charlie_gets_404_on_the_results_settings(alice, charlie):
    survey = make_survey(alice.organization)
    assert charlie.client.get(f"/ideas/results/{survey.pk}/").status_code == 404
