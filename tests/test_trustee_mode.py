"""Trustee mode, statement by statement as docs/user/trust.md makes them (numbers match).
Through the pages and the API a member uses, and the alerts a rule sends."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from earful.alerts.models import Alert, RuleKind
from earful.alerts.services import create_destination, create_rule, deliver_due
from earful.alerts.services.evaluating import evaluate_periodic
from earful.alerts.services.transport import alert_payload
from earful.customers.models import Customer
from earful.feedback.models import FeedbackItem
from earful.outreach.models import Invitation
from earful.surveys.models import Response, ResponseIdentity
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey

DAY = datetime(2026, 3, 10, tzinfo=UTC)
ANSWERED_AT = DAY + timedelta(hours=14, minutes=37)
HOUR = re.compile(r"\b14:3\d\b")


@pytest.fixture
def org(alice):
    return alice.organization


@pytest.fixture
def zelda(org) -> Customer:
    return Customer.objects.create(
        organization=org, external_id="zelda", name="Zelda Zimmer", email="zelda@z.test"
    )


@pytest.fixture
def survey(org):
    return make_survey(org, title="Staff pulse", trust_mode="trustee")


def answer(survey, n: int, *, score: int = 9, comment: str = "", ref: str = "") -> Response:
    answers: dict[str, object] = {"nps": score}
    if comment:
        answers["nps_comment"] = comment
    return submit_response(
        survey=survey,
        answers=answers,
        key=f"k{n}",
        customer_ref=ref,
        submitted_at=ANSWERED_AT + timedelta(seconds=n),
    ).response


def zelda_says_it(survey) -> Response:
    return answer(survey, 0, score=1, comment="Secret: my manager is unfair", ref="zelda")


def four_others(survey) -> None:
    for n in range(1, 5):
        answer(survey, n)


def secret_item(org) -> FeedbackItem:
    return FeedbackItem.objects.get(organization=org, text__startswith="Secret")


def seen_by_alice(alice, item: FeedbackItem) -> list[str]:
    return [
        alice.client.get("/inbox/").content.decode(),
        alice.client.get(f"/inbox/{item.pk}/").content.decode(),
        alice.api.get("/api/v1/items").content.decode(),
        alice.api.get(f"/api/v1/items/{item.pk}").content.decode(),
        alice.api.get("/api/v1/feedback").content.decode(),
    ]


def detractor_rule(org):
    destination = create_destination(
        organization=org, name="CX", kind="email", emails=["cx@a.test"]
    )
    return create_rule(
        organization=org,
        name="Detractors",
        kind=RuleKind.DETRACTOR,
        destination_ids=[destination.pk],
    )


def test_1_who_answered_is_on_no_response_item_page_endpoint_or_alert(alice, org, zelda, survey):
    detractor_rule(org)
    response = zelda_says_it(survey)
    four_others(survey)
    assert ResponseIdentity.objects.get(response=response).customer == zelda  # kept apart
    assert (response.customer, response.customer_ref, response.respondent_code) == (None, "", "")
    assert secret_item(org).customer is None
    evaluate_periodic(now=DAY + timedelta(days=1, hours=1))
    deliver_due(now=DAY + timedelta(days=1, hours=1))
    shown = [*seen_by_alice(alice, secret_item(org)), mail.outbox[0].body]
    for text in shown:
        assert "Zelda" not in text
        assert "zelda" not in text


def test_2_no_comment_or_score_shows_before_five_have_answered(alice, org, survey):
    detractor_rule(org)
    zelda_says_it(survey)
    for n in range(1, 4):
        answer(survey, n, comment=f"Also secret {n}")
    item = secret_item(org)
    assert alice.client.get(f"/inbox/{item.pk}/").status_code == 404
    assert alice.api.get(f"/api/v1/items/{item.pk}").status_code == 404
    listed = alice.api.get("/api/v1/items").json()
    assert (listed["items"], listed["hidden"]) == ([], 4)
    assert "4 more from a trustee survey are hidden" in alice.client.get("/inbox/").content.decode()
    assert alice.api.get("/api/v1/feedback").json() == {"count": 0, "items": []}
    assert evaluate_periodic(now=DAY + timedelta(days=2)) == 0
    assert not Alert.objects.exists()


def test_3_no_time_of_day_shows_and_the_alert_waits_for_the_next_day(alice, org, survey):
    detractor_rule(org)
    zelda_says_it(survey)
    four_others(survey)
    assert evaluate_periodic(now=ANSWERED_AT + timedelta(minutes=5)) == 0  # never live
    assert evaluate_periodic(now=DAY + timedelta(days=1, minutes=1)) == 1
    item = secret_item(org)
    FeedbackItem.objects.filter(pk=item.pk).update(analyzed_at=ANSWERED_AT + timedelta(seconds=3))
    for text in seen_by_alice(alice, item):
        assert not HOUR.search(text)
    via_items = alice.api.get(f"/api/v1/items/{item.pk}").json()
    [via_feedback] = [
        i for i in alice.api.get("/api/v1/feedback").json()["items"] if i["id"] == item.pk
    ]
    for shown in (via_items, via_feedback):
        assert shown["received_at"] == "2026-03-10T00:00:00Z"
        assert shown["analyzed_at"] == "2026-03-10T00:00:00Z"


def invite(org, survey, customer, status, **times) -> Invitation:
    return Invitation.objects.create(
        organization=org, survey=survey, customer=customer, status=status, **times
    )


def test_4_the_invitation_list_never_shows_what_one_invitee_did(alice, org, zelda, survey):
    invite(
        org, survey, zelda, "answered",
        sent_at=DAY + timedelta(hours=9), opened_at=ANSWERED_AT, answered_at=ANSWERED_AT,
    )  # fmt: skip
    page = alice.client.get(f"/surveys/{survey.pk}/invitations/").content.decode()
    assert "zelda" in page
    assert not HOUR.search(page)
    assert "Answered</span>" not in page
    assert "Opened</span>" not in page
    [row] = alice.api.get(f"/api/v1/surveys/{survey.pk}/invitations").json()["items"]
    assert (row["status"], row["opened_at"], row["answered_at"]) == ("sent", None, None)


def test_5_counts_of_one_to_four_are_shown_as_fewer_than_five(alice, org, survey):
    for n in range(3):
        customer = Customer.objects.create(organization=org, external_id=f"c{n}")
        invite(org, survey, customer, "answered", sent_at=DAY, opened_at=DAY, answered_at=DAY)
    counts = alice.api.get(f"/api/v1/surveys/{survey.pk}/invitations").json()["counts"]
    assert (counts["sent"], counts["opened"], counts["answered"]) == (3, None, None)
    page = alice.client.get(f"/surveys/{survey.pk}/invitations/").content.decode()
    assert page.count("fewer than 5") == 2  # opened, answered
    for n in range(5):
        answer(survey, n, comment=f"Words {n}")
    answer(survey, 9, comment="A unique remark")
    found = alice.api.get("/api/v1/items", {"q": "unique"}).json()
    assert (found["items"], found["hidden"]) == ([], 1)  # a search down to one: left out


def test_6_words_and_scores_show_once_five_have_answered_without_name_code_or_hour(
    alice, org, zelda, survey
):
    detractor_rule(org)
    zelda_says_it(survey)
    for n in range(1, 5):
        answer(survey, n, comment=f"Other words {n}")  # five comments: a list shows them
    item = secret_item(org)
    shown = alice.api.get(f"/api/v1/items/{item.pk}").json()
    assert (shown["text"], shown["score"], shown["customer"]) == (
        "Secret: my manager is unfair",
        1,
        None,
    )
    assert shown["respondent_code"] is None
    assert "Secret: my manager is unfair" in alice.client.get("/inbox/").content.decode()
    evaluate_periodic(now=DAY + timedelta(days=1))
    alert = Alert.objects.get()
    payload = alert_payload(alert)
    assert payload["text"].startswith("A respondent (trustee survey: nobody sees who)")
    assert "my manager is unfair" in payload["text"]


def test_7_the_surveys_aggregates_show_from_five_respondents(alice, survey):
    for n in range(4):
        answer(survey, n, score=10)
    before = alice.api.get(f"/api/v1/surveys/{survey.pk}/summary").json()
    assert before["score"]["value"] is None
    answer(survey, 4, score=10)
    after = alice.api.get(f"/api/v1/surveys/{survey.pk}/summary").json()
    assert after["score"]["value"] == 100


def test_8_whom_it_invited_and_its_own_sending_show(alice, org, zelda, survey):
    other = Customer.objects.create(organization=org, external_id="yann")
    invite(org, survey, zelda, "opened", sent_at=DAY, opened_at=ANSWERED_AT)
    invite(org, survey, other, "failed")
    rows = alice.api.get(f"/api/v1/surveys/{survey.pk}/invitations").json()["items"]
    assert sorted((r["customer"], r["status"]) for r in rows) == [
        ("yann", "failed"),
        ("zelda", "sent"),
    ]
