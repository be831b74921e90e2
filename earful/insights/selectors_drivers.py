"""Key drivers of a survey's headline score: its other score questions and the themes of what
respondents wrote. Method and assumptions: earful.insights.stats.drivers.

A theme predictor is 1 when any of the response's comments mentions the theme, 0 otherwise
(including responses that wrote nothing). Three queries, whatever the number of responses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from earful.insights.selectors_rows import ItemThemes, themes_by_response
from earful.insights.stats import drivers as stats
from earful.surveys.models import Answer, Question, Response, Survey


@dataclass(frozen=True)
class DriverLabel:
    kind: str  # "question" or "theme"
    key: str  # the question's key, or the theme's name
    label: str  # what to show: the question's text, or the theme's name


@dataclass(frozen=True)
class SurveyDrivers:
    score_question: Question | None  # the headline score question: what is explained
    analysis: stats.DriverAnalysis
    labels: dict[str, DriverLabel]  # by the analysis's driver names


def _questions(survey: Survey) -> tuple[Question | None, list[Question]]:
    """The headline score question (the first of the survey's score kind) and the other score
    questions, the predictors."""
    scored = [q for q in survey.questions.all() if q.is_score]
    headline = next((q for q in scored if q.type == survey.score_kind), None)
    return headline, [q for q in scored if q is not headline]


def survey_drivers(
    survey: Survey,
    *,
    item_themes: ItemThemes | None = None,
    min_observations: int = stats.MIN_OBSERVATIONS,
    resamples: int = stats.RESAMPLES,
    seed: int = 0,
) -> SurveyDrivers:
    """Relative weights of the other score questions and of the themes on the headline score."""
    headline, predictors = _questions(survey)
    responses = list(
        Response.objects.filter(survey=survey, score__isnull=False)
        .order_by("id")
        .values_list("id", "uid", "score", "submitted_at")
    )
    index = {row[0]: i for i, row in enumerate(responses)}
    columns = {q.pk: c for c, q in enumerate(predictors)}
    x = np.full((len(responses), len(predictors)), np.nan)
    answers = Answer.objects.filter(
        response__survey=survey, question_id__in=list(columns), number__isnull=False
    ).values_list("response_id", "question_id", "number")
    for response_id, question_id, number in answers:
        if response_id in index:
            x[index[response_id], columns[question_id]] = number
    labels = {f"q:{q.key}": DriverLabel("question", q.key, q.text) for q in predictors}
    if item_themes and responses:
        x, labels = _with_themes(survey, responses, item_themes, x, labels)
    y = np.array([row[2] for row in responses], dtype=float)
    binary = [label.kind == "theme" for label in labels.values()]
    analysis = stats.key_drivers(
        x, y, list(labels), binary=binary, min_observations=min_observations,
        resamples=resamples, seed=seed,
    )  # fmt: skip
    return SurveyDrivers(headline, analysis, labels)


def _with_themes(
    survey: Survey,
    responses: list[tuple],
    item_themes: ItemThemes,
    x: np.ndarray,
    labels: dict[str, DriverLabel],
) -> tuple[np.ndarray, dict[str, DriverLabel]]:
    """Adds a 0/1 column per theme mentioned in the survey's responses."""
    since = min(row[3] for row in responses)
    uids = [str(row[1]) for row in responses]
    themes = themes_by_response(survey.organization, uids, item_themes, since=since)
    names = sorted({t for labels_of in themes for t in labels_of})
    mentions = np.array([[name in found for name in names] for found in themes], dtype=float)
    x = np.column_stack([x, mentions.reshape(len(responses), len(names))])
    labels = labels | {f"t:{name}": DriverLabel("theme", name, name) for name in names}
    return x, labels
