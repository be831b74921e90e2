"""What each event says: built from the rows when the event is published. Reads only.

Trust modes hold here as on every page: an identified response names the customer's external
id, a pseudonymous one its stable code, a trustee one nobody, gives the day rather than the
time, and carries no words (comments could name the person)."""

from __future__ import annotations

from typing import Any

from earful.alerts.models import Alert
from earful.feedback.models import FeedbackItem
from earful.surveys.models import Response, TrustMode

SURVEY_PREFIX = "survey-response:"


def response_data(response: Response) -> dict[str, Any]:
    survey = response.survey
    data: dict[str, Any] = {
        "response": str(response.uid),
        "survey": {"id": survey.pk, "title": survey.title},
        "channel": response.channel,
        "score": response.score,
        "tier": response.tier or None,
        "finished": response.finished_at is not None,
    }
    given = response.answers_given or {}
    if survey.trust_mode == TrustMode.TRUSTEE:
        data["submitted_on"] = response.submitted_at.date().isoformat()
        data["answers"] = {k: v for k, v in given.items() if not isinstance(v, str)}
        return data
    data["submitted_at"] = response.submitted_at.isoformat()
    data["answers"] = given
    if survey.trust_mode == TrustMode.IDENTIFIED:
        customer = response.customer
        data["customer"] = customer.external_id if customer else (response.customer_ref or None)
    else:
        data["respondent"] = response.respondent_code or None
    return data


def trustee_item_uids(items: list[FeedbackItem]) -> set[str]:
    uids = {
        i.source_key.split(":")[1]
        for i in items
        if i.source_key.startswith(SURVEY_PREFIX) and i.source_key.count(":") >= 2
    }
    trustee = Response.objects.filter(uid__in=uids, survey__trust_mode=TrustMode.TRUSTEE)
    return {str(uid) for uid in trustee.values_list("uid", flat=True)} if uids else set()


def item_data(item: FeedbackItem, trustee_uids: set[str]) -> dict[str, Any]:
    trustee = item.source_key.startswith(SURVEY_PREFIX) and (
        item.source_key.split(":")[1] in trustee_uids
    )
    data: dict[str, Any] = {
        "item": item.pk,
        "channel": item.channel,
        "score": item.score,
        "sentiment": item.sentiment or None,
        "sentiment_score": item.sentiment_score,
        "hesitant": item.hesitant,
    }
    if trustee:
        data["received_on"] = item.received_at.date().isoformat()
        return data
    data["received_at"] = item.received_at.isoformat()
    data["text"] = item.text
    data["customer"] = item.customer.external_id if item.customer else None
    return data


def alert_data(alert: Alert) -> dict[str, Any]:
    return {
        "alert": alert.pk,
        "rule": {"id": alert.rule_id, "name": alert.rule.name, "kind": alert.kind},
        "summary": alert.summary,
        "text": alert.text,
        "link": alert.link,
        "fired_at": alert.fired_at.isoformat(),
    }
