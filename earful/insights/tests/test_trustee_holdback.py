"""A trustee survey's comments stay off theme examples and comment lists until 5 answered."""

from __future__ import annotations

import numpy as np

from earful.feedback.models import FeedbackItem
from earful.insights.models import Theme
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey

SECRET = "the new checkout lost my basket twice"


def theme_with_examples(organization, items):
    return Theme.objects.create(
        organization=organization,
        label="Checkout",
        keyphrases=["checkout"],
        examples=[i.pk for i in items],
        centroid=np.zeros(384, dtype=np.float32).tobytes(),
        threshold=0.5,
        size=len(items),
    )


def answer(survey, n):
    submit_response(
        survey=survey, answers={"nps": 3, "nps_comment": f"{SECRET} ({n})"}, key=f"k{n}"
    )


def test_a_theme_shows_no_trustee_comment_before_five_answered(alice):
    survey = make_survey(alice.organization, trust_mode="trustee")
    for n in range(2):
        answer(survey, n)
    theme = theme_with_examples(alice.organization, FeedbackItem.objects.all())
    assert SECRET not in alice.client.get(f"/insights/themes/{theme.pk}/").content.decode()
    assert SECRET not in alice.client.get("/insights/themes/").content.decode()
    assert SECRET not in alice.client.get("/insights/comments/").content.decode()


def test_a_theme_shows_trustee_comments_once_five_answered(alice):
    survey = make_survey(alice.organization, trust_mode="trustee")
    for n in range(5):
        answer(survey, n)
    theme = theme_with_examples(alice.organization, FeedbackItem.objects.all())
    assert SECRET in alice.client.get(f"/insights/themes/{theme.pk}/").content.decode()
