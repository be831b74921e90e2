"""Each rule kind fires on the right items, not on the wrong ones, and once per cause."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from earful.alerts.models import Alert, RuleKind
from earful.alerts.services import evaluate_items, evaluate_periodic, update_rule
from earful.alerts.tests.conftest import NOW, make_item, make_rule
from earful.customers.tests.factories import AccountFactory, CustomerFactory
from earful.feedback.models import FeedbackItem
from earful.feedback.signals import feedback_enriched, feedback_recorded
from earful.ingest.models import PostSnapshot
from earful.surveys.models import Survey
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey
from earful.surveys.validation import QuestionSpec


def _ids(*items: FeedbackItem) -> list[int]:
    return [i.pk for i in items]


def _fired(rule) -> list[Alert]:
    return list(Alert.objects.filter(rule=rule).order_by("pk"))


# ---------------------------------------------------------------- negative reviews


def test_a_review_at_or_below_the_stars_fires_once_and_better_ones_do_not(org):
    rule = make_rule(org, RuleKind.NEGATIVE_REVIEW, stars_at_most=2)
    one = make_item(
        org,
        "Never again.",
        channel="review",
        score=1,
        source="trustpilot",
        author="Pat",
        url="https://reviews.example/1",
    )
    two = make_item(org, "Slow and rude", channel="review", score=2, score_scale="1-5")
    three = make_item(org, "Meh", channel="review", score=3)
    low_ticket = make_item(org, "Broken", channel="ticket", score=1)
    assert evaluate_items(item_ids=_ids(one, two, three, low_ticket), now=NOW) == 2
    assert evaluate_items(item_ids=_ids(one, two, three, low_ticket), now=NOW) == 0
    assert evaluate_periodic(now=NOW + timedelta(minutes=5)) == 0
    alerts = _fired(rule)
    assert [a.item_id for a in alerts] == [one.pk, two.pk]
    assert alerts[0].summary == "1★ review on Trustpilot by Pat: “Never again.”"
    assert "the rule fires at 2 stars or fewer" in alerts[0].text
    assert alerts[0].source_url == "https://reviews.example/1"
    assert alerts[0].link.endswith(f"/alerts/{alerts[0].pk}/")


def test_an_imported_review_older_than_a_week_is_history_not_an_alert(org):
    make_rule(org, RuleKind.NEGATIVE_REVIEW, stars_at_most=2)
    old = make_item(org, "Bad", channel="review", score=1, received_at=NOW - timedelta(days=8))
    assert evaluate_items(item_ids=[old.pk], now=NOW) == 0
    assert evaluate_periodic(now=NOW) == 0


def test_a_disabled_rule_fires_nothing_and_fires_again_once_enabled(org):
    rule = make_rule(org, RuleKind.NEGATIVE_REVIEW, stars_at_most=2)
    update_rule(rule=rule, enabled=False)
    item = make_item(org, "Bad", channel="review", score=1)
    assert evaluate_items(item_ids=[item.pk], now=NOW) == 0
    update_rule(rule=rule, enabled=True)
    assert evaluate_periodic(now=NOW) == 1


def test_another_organizations_rule_never_sees_these_items(org, charlie):
    theirs = make_rule(charlie.organization, RuleKind.NEGATIVE_REVIEW, stars_at_most=5)
    item = make_item(org, "Bad", channel="review", score=1)
    assert evaluate_items(item_ids=[item.pk], now=NOW) == 0
    assert evaluate_periodic(now=NOW) == 0
    assert _fired(theirs) == []


# ---------------------------------------------------------------- detractors

NPS_WITH_COMMENT = (
    QuestionSpec(key="nps", type="nps", text="Recommend us?", comment=True),
    QuestionSpec(key="why", type="text", text="Anything else?", required=False),
)


def _answer(survey, score, comment="", **extra):
    answers = {"nps": score, **({"nps_comment": comment} if comment else {})}
    return submit_response(survey=survey, answers=answers, **extra).response


def test_a_detractor_fires_once_per_response_through_its_comment_or_the_sweep(org):
    rule = make_rule(org, RuleKind.DETRACTOR)
    survey = make_survey(org, title="Relationship NPS", questions=NPS_WITH_COMMENT)
    customer = CustomerFactory(organization=org, name="Jane Roe", email="jane@x.test")
    said = _answer(
        survey,
        3,
        "The app keeps logging me out",
        customer=customer,
        submitted_at=NOW - timedelta(minutes=5),
    )
    silent = _answer(survey, 6, submitted_at=NOW - timedelta(minutes=4))
    _answer(survey, 7, "fine", submitted_at=NOW - timedelta(minutes=3))
    _answer(survey, 10, "love it", submitted_at=NOW - timedelta(minutes=2))
    comments = FeedbackItem.objects.filter(organization=org, channel="survey")
    assert evaluate_items(item_ids=list(comments.values_list("pk", flat=True)), now=NOW) == 1
    assert evaluate_periodic(now=NOW) == 1  # the answer without a comment
    assert evaluate_periodic(now=NOW + timedelta(minutes=1)) == 0
    assert evaluate_items(item_ids=list(comments.values_list("pk", flat=True)), now=NOW) == 0
    first, second = _fired(rule)
    assert (first.response_id, second.response_id) == (said.pk, silent.pk)
    assert first.summary == "Detractor: NPS 3 on “Relationship NPS”"
    assert first.text.startswith("Jane Roe (jane@x.test) answered NPS 3 (of 0-10)")
    assert "at or below the rule's 6" in first.text
    assert "“The app keeps logging me out”" in first.text
    assert "No comment" in second.text


def test_a_trustee_detractor_waits_for_five_responses_and_the_next_day_and_names_nobody(org):
    make_rule(org, RuleKind.DETRACTOR)
    survey = make_survey(org, questions=NPS_WITH_COMMENT, trust_mode="trustee")
    customer = CustomerFactory(organization=org, name="Jane Roe")
    _answer(
        survey,
        2,
        "awful",
        customer_ref=customer.external_id,
        submitted_at=NOW - timedelta(minutes=5),
    )
    assert evaluate_periodic(now=NOW) == 0  # one respondent: held back
    for score in (9, 10, 8, 7):
        _answer(survey, score, submitted_at=NOW - timedelta(minutes=4))
    assert evaluate_periodic(now=NOW) == 0  # five, but the day is not over: never live
    assert evaluate_periodic(now=NOW + timedelta(days=1)) == 1
    alert = Alert.objects.get()
    assert "Jane" not in alert.text
    assert customer.external_id not in alert.text
    assert alert.text.startswith("A respondent (trustee survey: nobody sees who)")
    assert alert.fired_at.date() > (NOW - timedelta(minutes=5)).date()


def test_low_csat_fires_only_when_the_rule_watches_other_scales(org):
    rule = make_rule(org, RuleKind.DETRACTOR, other_scales=False)
    csat = make_survey(
        org, title="Checkout", questions=(QuestionSpec(key="csat", type="csat", text="Happy?"),)
    )
    for score in (2, 3, 4):
        submit_response(survey=csat, answers={"csat": score}, submitted_at=NOW - timedelta(hours=1))
    assert evaluate_periodic(now=NOW) == 0
    update_rule(rule=rule, parameters={"other_scales": True})
    assert evaluate_periodic(now=NOW) == 2  # 2 and 3: the dissatisfied tier of CSAT
    assert sorted(a.details["score"] for a in _fired(rule)) == [2, 3]
    assert "at or below the rule's 3" in _fired(rule)[0].text


def test_the_nps_cut_is_the_rules(org):
    make_rule(org, RuleKind.DETRACTOR, nps_at_most=4)
    survey = make_survey(org, questions=NPS_WITH_COMMENT)
    for score in (4, 5, 6):
        _answer(survey, score, submitted_at=NOW - timedelta(hours=1))
    assert evaluate_periodic(now=NOW) == 1


def test_a_scored_survey_item_not_from_a_response_is_judged_on_its_own_scale(org):
    make_rule(org, RuleKind.DETRACTOR)
    low = make_item(org, "meh", channel="survey", score=2, score_scale="1-5")
    fine = make_item(org, "ok", channel="survey", score=4, score_scale="1-5")
    detractor = make_item(org, "no", channel="survey", score=5, score_scale="0-10")
    assert evaluate_items(item_ids=_ids(low, fine, detractor), now=NOW) == 2


# ---------------------------------------------------------------- key accounts


def test_a_hesitant_answer_from_a_key_account_fires_and_others_do_not(org):
    rule = make_rule(org, RuleKind.KEY_ACCOUNT_HESITANT)
    key = AccountFactory(organization=org, name="Acme Corp", is_key=True)
    small = AccountFactory(organization=org, name="Tiny Ltd", is_key=False)
    at_key = CustomerFactory(organization=org, account=key, name="Sam")
    at_small = CustomerFactory(organization=org, account=small)
    reason = "hedging: “I guess” softens a satisfied answer"
    hesitant = make_item(
        org,
        "It was fine, I guess",
        customer=at_key,
        hesitant=True,
        hesitancy_reason=reason,
        analyzed_at=NOW,
    )
    sure = make_item(org, "Great", customer=at_key, hesitant=False, analyzed_at=NOW)
    elsewhere = make_item(org, "fine I guess", customer=at_small, hesitant=True, analyzed_at=NOW)
    pending = make_item(org, "fine I guess", customer=at_key)  # not enriched yet
    ids = _ids(hesitant, sure, elsewhere, pending)
    assert evaluate_items(item_ids=ids, now=NOW) == 1
    assert evaluate_items(item_ids=ids, now=NOW) == 0
    [alert] = _fired(rule)
    assert alert.item_id == hesitant.pk
    assert alert.summary == "Hesitant answer from key account Acme Corp"
    assert "Sam (Acme Corp, a key account)" in alert.text
    assert "Why it reads as hesitant: “I guess” softens a satisfied answer." in alert.text


def test_a_hesitant_key_account_answer_in_a_pseudonymous_survey_does_not_point_at_it(org):
    make_rule(org, RuleKind.KEY_ACCOUNT_HESITANT)
    survey = make_survey(org, questions=NPS_WITH_COMMENT, trust_mode="pseudonymous")
    customer = CustomerFactory(
        organization=org, account=AccountFactory(organization=org, is_key=True)
    )
    response = _answer(
        survey, 8, "fine I guess", customer=customer, submitted_at=NOW - timedelta(minutes=5)
    )
    items = FeedbackItem.objects.filter(source_key__contains=str(response.uid))
    items.update(hesitant=True, analyzed_at=NOW, customer=customer)
    ids = list(items.values_list("pk", flat=True))
    assert evaluate_items(item_ids=ids, now=NOW) == 0
    Survey.objects.filter(pk=survey.pk).update(trust_mode="identified")
    assert evaluate_items(item_ids=ids, now=NOW) == 1  # the same answer, when members see who


# ---------------------------------------------------------------- viral risk


def _post(org, sentiment="negative", **fields):
    return make_item(
        org,
        "This brand lost my parcel and laughed at me",
        channel="social",
        sentiment=sentiment,
        analyzed_at=NOW,
        author="@angry",
        received_at=NOW - timedelta(hours=6),
        **fields,
    )


def _snapshot(item, hours_ago, likes, shares=0, comments=0, reach=None):
    PostSnapshot.objects.create(
        organization_id=item.organization_id,
        item=item,
        observed_at=NOW - timedelta(hours=hours_ago),
        likes=likes,
        shares=shares,
        comments=comments,
        reach=reach,
    )


def test_a_negative_post_gaining_engagement_fast_fires_with_the_velocity_explained(org):
    rule = make_rule(org, RuleKind.VIRAL_RISK, engagements_per_hour=50)
    post = _post(org, url="https://social.example/p/1")
    _snapshot(post, 4, likes=10)
    _snapshot(post, 2, likes=20, shares=5)
    _snapshot(post, 0, likes=250, shares=80, comments=7)
    assert evaluate_items(item_ids=[post.pk], now=NOW) == 1
    assert evaluate_periodic(now=NOW) == 0
    [alert] = _fired(rule)
    assert "312 likes+shares+comments in the last 2 h (156/h), above the rule's 50/h." in (
        alert.text
    )
    assert alert.summary.startswith("Viral risk: negative post by @angry gaining 156")
    assert alert.details["engagements_per_hour"] == 156.0
    assert alert.source_url == "https://social.example/p/1"


def test_slow_posts_and_fast_friendly_ones_do_not_fire(org):
    make_rule(org, RuleKind.VIRAL_RISK, engagements_per_hour=50)
    slow = _post(org)
    _snapshot(slow, 2, likes=100)
    _snapshot(slow, 0, likes=190)  # 45/h
    friendly = _post(org, sentiment="positive")
    _snapshot(friendly, 2, likes=0)
    _snapshot(friendly, 0, likes=5000)
    assert evaluate_periodic(now=NOW) == 0


def test_a_post_whose_snapshots_grow_later_fires_from_the_sweep(org):
    make_rule(org, RuleKind.VIRAL_RISK, engagements_per_hour=50, reach_per_hour=10000)
    post = _post(org)
    _snapshot(post, 3, likes=10, reach=1000)
    assert evaluate_periodic(now=NOW - timedelta(hours=3)) == 0
    _snapshot(post, 1, likes=40, reach=31000)  # 15/h of engagement, 15,000/h of reach
    assert evaluate_periodic(now=NOW) == 1
    alert = Alert.objects.get()
    assert "Reach grew by 30,000 in the same 2 h (15,000/h), above the rule's 10,000/h." in (
        alert.text
    )


# ---------------------------------------------------------------- the signals


def test_the_feedback_signals_evaluate_the_items_they_name(org):
    reviews = make_rule(org, RuleKind.NEGATIVE_REVIEW)
    hesitant = make_rule(org, RuleKind.KEY_ACCOUNT_HESITANT)
    customer = CustomerFactory(
        organization=org, account=AccountFactory(organization=org, is_key=True)
    )
    now = timezone.now()  # the tasks run on the real clock
    review = make_item(org, "Bad", channel="review", score=1, received_at=now)
    feedback_recorded.send(sender=FeedbackItem, item_ids=[review.pk])
    assert len(_fired(reviews)) == 1
    answer = make_item(org, "Great service, thank you", customer=customer, received_at=now)
    feedback_recorded.send(sender=FeedbackItem, item_ids=[answer.pk])
    assert _fired(hesitant) == []  # not hesitant (enrichment may have run already)
    FeedbackItem.objects.filter(pk=answer.pk).update(hesitant=True, analyzed_at=now)
    feedback_enriched.send(sender=FeedbackItem, item_ids=[answer.pk])
    assert len(_fired(hesitant)) == 1


def test_a_survey_item_whose_source_key_names_no_response_is_skipped_not_a_crash(org):
    make_rule(org, RuleKind.DETRACTOR)
    make_rule(org, RuleKind.KEY_ACCOUNT_HESITANT)
    odd = make_item(
        org,
        "hm",
        channel="survey",
        score=1,
        score_scale="0-10",
        source_key="survey-response:not-a-uuid:nps",
        hesitant=True,
    )
    assert evaluate_items(item_ids=[odd.pk], now=NOW) == 0
