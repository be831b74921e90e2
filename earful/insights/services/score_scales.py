"""The range of a feedback item's score, which hesitancy needs ("4" is satisfied of 1-5, not of
0-10).

`FeedbackItem.score_scale` ("0-10", "1-5", "1-7") says it when the producer knew it. When it is
blank, it is derived here and stored with the enrichment:
- a survey item: from its survey. The item's source key is `survey-response:<uid>:<question>`;
  the score is that question's own when it is a score question (a comment box under an NPS,
  CSAT, CES or rating question), else the response's headline score, of the survey's kind;
- a review: 1-5 stars;
- anything else: the usual scale that holds the score (`hesitancy.infer_scale`), not stored.
"""

from __future__ import annotations

from collections.abc import Sequence

from earful.feedback.models import Channel, FeedbackItem
from earful.insights.text.hesitancy import infer_scale, parse_scale
from earful.surveys.models import Question, Response
from earful.surveys.scoring import SCALES

Scale = tuple[float, float]
NO_SCORE: Scale = (0.0, 1.0)  # passed for items without a score; never read
CHANNEL_SCALES: dict[str, str] = {Channel.REVIEW.value: "1-5"}
_SURVEY_PREFIX = "survey-response:"


def _scale_text(low_high: tuple[int, int]) -> str:
    return f"{low_high[0]}-{low_high[1]}"


def survey_scales(items: Sequence[FeedbackItem]) -> dict[int, str]:
    """item id -> "LOW-HIGH" for survey items whose survey and question are found (2 queries)."""
    keys: dict[int, tuple[str, str]] = {}
    for item in items:
        if item.source_key.startswith(_SURVEY_PREFIX):
            uid, _, question = item.source_key[len(_SURVEY_PREFIX) :].partition(":")
            keys[item.pk] = (uid, question)
    if not keys:
        return {}
    responses = {
        str(uid): (survey_id, kind)
        for uid, survey_id, kind in Response.objects.filter(
            uid__in={uid for uid, _ in keys.values()}
        ).values_list("uid", "survey_id", "survey__score_kind")
    }
    typed = {
        (survey_id, key): kind
        for survey_id, key, kind in Question.objects.filter(
            survey_id__in={survey_id for survey_id, _ in responses.values()}, type__in=SCALES
        ).values_list("survey_id", "key", "type")
    }
    found = {}
    for pk, (uid, question) in keys.items():
        if uid in responses:
            survey_id, headline = responses[uid]
            kind = typed.get((survey_id, question), headline)
            if kind in SCALES:
                found[pk] = _scale_text(SCALES[kind])
    return found


def score_scales(items: Sequence[FeedbackItem]) -> list[Scale]:
    """Each item's score range, in order; fills `score_scale` where it was blank and is known."""
    unknown = [i for i in items if i.score is not None and not i.score_scale]
    from_surveys = survey_scales([i for i in unknown if i.channel == Channel.SURVEY])
    scales = []
    for item in items:
        if item.score is None:
            scales.append(NO_SCORE)
            continue
        if not item.score_scale:
            item.score_scale = from_surveys.get(item.pk) or CHANNEL_SCALES.get(item.channel, "")
        scales.append(_parsed(item))
    return scales


def _parsed(item: FeedbackItem) -> Scale:
    if item.score_scale:
        try:
            return parse_scale(item.score_scale)
        except ValueError:
            pass
    return infer_scale([item.score]) or NO_SCORE
