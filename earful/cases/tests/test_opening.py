"""Cases open from alerts whose rule says so (once per customer and cause), by hand from an
item, a customer or an alert, anonymously in trustee mode; owners by round-robin or account."""

from __future__ import annotations

from datetime import timedelta

from earful.alerts.models import Alert, RuleKind
from earful.alerts.services import evaluate_items, evaluate_periodic, update_rule
from earful.alerts.tests.conftest import make_rule
from earful.cases.models import AccountOwner, Assignment, Case, CaseItem, CaseNotification, Status
from earful.cases.services import (
    open_case_by_hand,
    open_cases_for_alerts,
    update_case_settings,
)
from earful.cases.tests.conftest import NOW, agent, customer, make_item
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import QuestionSpec

NPS = (QuestionSpec(key="nps", type="nps", text="Recommend us?", comment=True),)


def _answer(survey, score, comment="", **extra):
    answers = {"nps": score, **({"nps_comment": comment} if comment else {})}
    extra.setdefault("submitted_at", NOW - timedelta(minutes=5))
    return submit_response(survey=survey, answers=answers, **extra).response


def test_an_alert_whose_rule_opens_cases_opens_one_and_later_alerts_attach(
    org, dana, django_capture_on_commit_callbacks
):
    rule = make_rule(org, RuleKind.DETRACTOR)
    update_rule(rule=rule, open_case=True)
    survey = make_survey(org, questions=NPS)
    jane = customer(org, name="Jane Roe")
    with django_capture_on_commit_callbacks(execute=True):
        _answer(survey, 3, "Logged out again", customer=jane)
        _answer(
            survey, 2, "Still logged out", customer=jane, submitted_at=NOW - timedelta(minutes=2)
        )
        evaluate_periodic(now=NOW)
    assert Alert.objects.filter(rule=rule).count() == 2
    case = Case.objects.get()
    assert (case.customer, case.cause, case.status, case.owner) == (
        jane,
        "detractor",
        "new",
        org.members.order_by("pk").first(),
    )
    assert case.priority == "high"
    assert case.title.startswith("Detractor: NPS ")
    assert case.case_items.count() == 2


def test_a_rule_that_does_not_open_cases_opens_none(org):
    make_rule(org, RuleKind.DETRACTOR)
    survey = make_survey(org, questions=NPS)
    _answer(survey, 1, "bad", customer=customer(org))
    evaluate_periodic(now=NOW)
    assert (
        open_cases_for_alerts(alert_ids=list(Alert.objects.values_list("pk", flat=True)), now=NOW)
        == 0
    )
    assert not Case.objects.exists()


def test_a_trustee_detractor_opens_a_case_that_names_nobody(org):
    rule = make_rule(org, RuleKind.DETRACTOR)
    update_rule(rule=rule, open_case=True)
    survey = make_survey(org, questions=NPS, trust_mode="trustee")
    jane = customer(org, name="Jane Roe")
    _answer(survey, 2, "awful", customer_ref=jane.external_id)
    evaluate_periodic(now=NOW)
    assert (
        open_cases_for_alerts(alert_ids=list(Alert.objects.values_list("pk", flat=True)), now=NOW)
        == 1
    )
    case = Case.objects.get()
    assert case.anonymous
    assert case.customer is None
    assert "Jane" not in case.title
    assert jane.external_id not in case.subject_key


def test_the_same_alert_handled_twice_opens_one_case(org):
    rule = make_rule(org, RuleKind.NEGATIVE_REVIEW, stars_at_most=2)
    update_rule(rule=rule, open_case=True)
    review = make_item(org, "Never again", channel="review", score=1, received_at=NOW)
    evaluate_items(item_ids=[review.pk], now=NOW)
    ids = list(Alert.objects.values_list("pk", flat=True))
    assert open_cases_for_alerts(alert_ids=ids, now=NOW) == 1
    assert open_cases_for_alerts(alert_ids=ids, now=NOW) == 0
    assert CaseItem.objects.get().item == review


def test_round_robin_takes_turns_among_members_who_work_cases(org, alice, bob, dana):
    eve = agent(org, "eve@a.test")
    owners = [
        open_case_by_hand(member=bob.member, customer=customer(org), now=NOW)[0].owner
        for _ in range(4)
    ]
    # bob is an analyst: not in the round; alice (owner), dana, eve take turns.
    assert owners == [alice.member, dana, eve, alice.member]
    assert CaseNotification.objects.filter(kind="assigned").count() == 4


def test_the_account_owner_gets_their_accounts_cases_when_the_org_says_so(org, dana):
    update_case_settings(organization=org, assignment=Assignment.ACCOUNT_OWNER)
    jane = customer(org)
    AccountOwner.objects.create(organization=org, account=jane.account, member=dana)
    case, _ = open_case_by_hand(
        member=org.members.get(user__email="alice@a.test"), customer=jane, now=NOW, owner=None
    )
    assert case.owner == org.members.get(user__email="alice@a.test")  # by hand: the opener
    from earful.cases.services import open_case, subject_of

    auto, _ = open_case(
        organization=org, subject=subject_of(customer=jane), cause="hesitant", title="t", now=NOW
    )
    assert auto.owner == dana


def test_a_case_by_hand_from_an_item_attaches_it_and_a_resolved_case_lets_a_new_one_open(
    org, alice
):
    jane = customer(org)
    item = make_item(org, "Where is my refund?", customer=jane)
    case, opened = open_case_by_hand(member=alice.member, item=item, now=NOW)
    again, opened_again = open_case_by_hand(member=alice.member, customer=jane, now=NOW)
    assert opened
    assert not opened_again
    assert again == case
    assert list(case.case_items.values_list("item_id", flat=True)) == [item.pk]
    Case.objects.filter(pk=case.pk).update(status=Status.RESOLVED)
    third, opened_third = open_case_by_hand(member=alice.member, customer=jane, now=NOW)
    assert opened_third
    assert third != case
