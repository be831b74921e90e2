"""Movement, trends and drivers on real rows: planted changes are found, queries stay constant."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earful.customers.models import Customer
from earful.customers.services import import_customers
from earful.feedback.models import FeedbackItem
from earful.insights.selectors_drivers import survey_drivers
from earful.insights.selectors_movement import tier_movement
from earful.insights.selectors_rows import Period, parse_period, themes_by_response
from earful.insights.selectors_trends import score_trends
from earful.surveys.models import Response
from earful.surveys.scoring import tier_for
from earful.surveys.services import submit_response
from earful.surveys.tests.factories import make_survey

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday
A = parse_period("2026-01-01..2026-03-31")
B = parse_period("2026-04-01..2026-06-30")
IN_A, IN_B = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)


def _customers(organization, count: int, *, plan: str = "Pro", region: str = "Europe"):
    rows = [
        {
            "external_id": f"{plan}-{i}",
            "account": f"{plan} Co",
            "attributes": {"plan": plan, "region": region},
        }
        for i in range(count)
    ]
    import_customers(organization=organization, rows=rows)
    return list(
        Customer.objects.filter(
            organization=organization, external_id__startswith=f"{plan}-"
        ).order_by("id")
    )


def _bulk(survey, rows, *, channel: str = "link"):
    """Scored responses straight into the table: (customer or None, moment, NPS score)."""
    Response.objects.bulk_create(
        Response(
            organization_id=survey.organization_id, survey=survey, idempotency_key=uuid.uuid4().hex,
            customer=customer, channel=channel, submitted_at=moment, finished_at=moment,
            score=score, tier=tier_for("nps", score),
        )
        for customer, moment, score in rows
    )  # fmt: skip


def _answer(survey, ref: str, score: int, moment: datetime, comment: str = "") -> Response:
    answers = {"nps": score, "nps_comment": comment} if comment else {"nps": score}
    key = f"{ref}-{moment.isoformat()}-{uuid.uuid4().hex[:6]}"
    return submit_response(
        survey=survey, answers=answers, key=key, customer_ref=ref, submitted_at=moment
    ).response


def test_a_period_includes_both_days_it_names():
    assert A.start == datetime(2026, 1, 1, tzinfo=UTC)
    assert A.end == datetime(2026, 4, 1, tzinfo=UTC)
    assert A.label == "2026-01-01..2026-03-31"
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_period("2026-01-01")


def test_tier_movement_follows_each_customer_by_their_latest_answer(alice):
    survey = make_survey(alice.organization)
    ann, ben, cat = _customers(alice.organization, 3)
    _answer(survey, ann.external_id, 3, IN_A)
    _answer(survey, ann.external_id, 8, IN_A + timedelta(days=5))  # latest in A: satisfied
    _answer(survey, ann.external_id, 10, IN_B)  # up one
    _answer(survey, ben.external_id, 2, IN_A)
    _answer(survey, ben.external_id, 9, IN_B)  # up two
    _answer(survey, cat.external_id, 9, IN_A)
    _answer(survey, cat.external_id, 5, IN_B)  # down two
    _answer(survey, "", 10, IN_B)  # nobody we can follow
    found = tier_movement(alice.organization, A, B, survey=survey)
    assert found.transition.counts.tolist() == [[0, 0, 1], [0, 0, 1], [1, 0, 0]]
    assert (found.movement.moved_up.count, found.movement.moved_up.n) == (2, 3)
    assert found.anonymous == 1
    assert found.tiers_b == {"dissatisfied": 1, "satisfied": 0, "highly_satisfied": 2}


def test_tier_movement_follows_a_customer_across_surveys_and_pseudonymous_codes(alice):
    first = make_survey(alice.organization, title="NPS")
    second = make_survey(alice.organization, title="Pulse", trust_mode="pseudonymous")
    hidden = make_survey(alice.organization, title="Trustee", trust_mode="trustee")
    _answer(first, "dee", 4, IN_A)
    _answer(first, "dee", 10, IN_B)  # an identified survey in both periods: up two
    _answer(second, "eli", 7, IN_A)
    _answer(second, "eli", 9, IN_B)  # the same code in both periods: up one
    _answer(hidden, "fay", 0, IN_A)
    _answer(hidden, "fay", 10, IN_B)  # trustee: never followed
    found = tier_movement(alice.organization, A, B)
    assert found.transition.customers == 2
    assert found.movement.moved_up.count == 2
    assert found.anonymous == 2


def test_tier_movement_takes_one_query_whatever_the_number_of_customers(alice):
    survey = make_survey(alice.organization)
    few = _customers(alice.organization, 3)
    _bulk(survey, [(c, IN_A, 5) for c in few] + [(c, IN_B, 9) for c in few])
    with CaptureQueriesContext(connection) as small:
        tier_movement(alice.organization, A, B, survey=survey)
    many = _customers(alice.organization, 60, plan="Team")
    _bulk(survey, [(c, IN_A, 7) for c in many] + [(c, IN_B, 10) for c in many])
    with CaptureQueriesContext(connection) as large:
        found = tier_movement(alice.organization, A, B, survey=survey)
    assert found.transition.customers == 63
    assert len(large.captured_queries) == len(small.captured_queries) == 1


def _weekly_rows(rng, customers, *, weeks, per_week, promoters, detractors, last_monday):
    """`per_week` NPS answers a week from `customers`, with the given tier probabilities per
    week (a list, one per week)."""
    rows = []
    for week in range(weeks):
        start = last_monday - timedelta(weeks=weeks - 1 - week)
        for _ in range(per_week):
            draw = rng.random()
            score = 10 if draw < promoters[week] else (0 if draw > 1 - detractors[week] else 8)
            moment = start + timedelta(hours=int(rng.integers(1, 24 * 7 - 1)))
            rows.append((customers[int(rng.integers(len(customers)))], moment, score))
    return rows


def test_score_trends_find_a_planted_drop_in_one_plan_and_name_it(alice):
    """12 weeks; Enterprise customers' NPS falls from 40 to 0 in the last 4 weeks, Pro's holds."""
    survey = make_survey(alice.organization)
    rng = np.random.default_rng(5)
    monday = datetime(2026, 11, 16, tzinfo=UTC)
    enterprise = _customers(alice.organization, 20, plan="Enterprise", region="Europe")
    pro = _customers(alice.organization, 20, plan="Pro", region="Asia")
    steady = {"promoters": [0.55] * 12, "detractors": [0.15] * 12}
    dropping = {"promoters": [0.55] * 8 + [0.35] * 4, "detractors": [0.15] * 8 + [0.35] * 4}
    _bulk(survey, _weekly_rows(rng, pro, weeks=12, per_week=25, last_monday=monday, **steady))
    _bulk(
        survey, _weekly_rows(rng, enterprise, weeks=12, per_week=25, last_monday=monday, **dropping)
    )
    found = score_trends(alice.organization, survey=survey, now=NOW)
    falling = {(s.dimension, s.group, s.metric) for s in found.series if s.direction == "falling"}
    assert ("plan", "Enterprise", "score") in falling
    assert not {key for key in falling if key[1] == "Pro"}
    assert len(found.weeks) == 12
    assert found.weeks[-1].isoformat() == "2026-11-16"
    assert found.change is not None
    assert found.change.sentence.startswith("NPS fell")
    assert found.change.sentence.endswith("from the Enterprise plan.")
    by_plan = next(d for d in found.change.decompositions if d.dimension == "plan")
    assert by_plan.contributions[0].group == "Enterprise"
    assert sum(c.total for c in by_plan.contributions) == pytest.approx(by_plan.change)


def test_stationary_responses_raise_no_alarm(alice):
    survey = make_survey(alice.organization)
    rng = np.random.default_rng(6)
    people = _customers(alice.organization, 30)
    monday = datetime(2026, 11, 16, tzinfo=UTC)
    rows = _weekly_rows(
        rng, people, weeks=12, per_week=40, promoters=[0.5] * 12, detractors=[0.2] * 12,
        last_monday=monday,
    )  # fmt: skip
    _bulk(survey, rows)
    found = score_trends(alice.organization, survey=survey, now=NOW)
    tested = [s for s in found.series if s.q_value is not None]
    assert len(tested) >= 10
    assert [s for s in found.series if s.direction] == []


def test_a_trustee_survey_is_never_broken_down_and_hides_small_weeks(alice):
    survey = make_survey(alice.organization, trust_mode="trustee")
    for i in range(3):
        _answer(survey, f"t{i}", 9, NOW - timedelta(days=1))
    found = score_trends(alice.organization, survey=survey, now=NOW)
    assert {s.dimension for s in found.series} <= {"all", "survey"}
    assert found.series == [] or all(s.weekly[-1] is None for s in found.series)


def test_themes_reach_their_response_through_its_comment(alice):
    survey = make_survey(alice.organization)
    response = _answer(survey, "gil", 2, IN_A, comment="The parcel came two weeks late")
    item = FeedbackItem.objects.get(organization=alice.organization)
    themes = themes_by_response(
        alice.organization, [str(response.uid)], {item.pk: ["Delivery"]}, since=IN_A
    )
    assert themes == [("Delivery",)]


def test_score_trends_split_the_change_by_theme_from_an_item_mapping(alice):
    survey = make_survey(alice.organization)
    monday = datetime(2026, 11, 16, tzinfo=UTC)
    plan = [("late", 10, 6), ("late", 0, 0), ("fit", 9, 6), ("fit", 9, 1)]
    for topic, score, weeks_ago in (
        plan * 30
    ):  # 30 a group and period: enough to name  # what they wrote about, their score, when
        _answer(
            survey,
            "",
            score,
            monday - timedelta(weeks=weeks_ago, days=-1),
            comment=f"about {topic}",
        )
    topics = dict(FeedbackItem.objects.values_list("id", "text"))
    mapping = {i: ["Delivery"] if "late" in text else ["Sizing"] for i, text in topics.items()}
    found = score_trends(alice.organization, survey=survey, item_themes=mapping, now=NOW)
    assert found.change is not None
    # Baseline: everyone a promoter (NPS 100); recent: the late ones detractors (NPS 0). The
    # channel and segments are one group each: nothing to say about them.
    assert found.change.sentence == "NPS fell 100.0 points: 100.0 from Delivery."
    assert {s.group for s in found.series if s.dimension == "theme"} == {"Delivery", "Sizing"}


def test_score_trends_take_the_same_queries_for_ten_times_the_responses(alice):
    survey = make_survey(alice.organization)
    people = _customers(alice.organization, 5)
    _bulk(survey, [(people[0], NOW - timedelta(days=2), 9)])
    with CaptureQueriesContext(connection) as few:
        score_trends(alice.organization, now=NOW, item_themes={1: ["x"]})
    more = _customers(alice.organization, 30, plan="Team", region="Asia")
    _bulk(survey, [(c, NOW - timedelta(days=d), 6) for c in more for d in (3, 30)], channel="email")
    with CaptureQueriesContext(connection) as many:
        score_trends(alice.organization, now=NOW, item_themes={1: ["x"]})
    assert len(many.captured_queries) == len(few.captured_queries) == 3  # responses, 2 x items


def test_survey_drivers_rank_the_planted_question_and_take_constant_queries(alice):
    survey = make_survey(alice.organization)
    rng = np.random.default_rng(7)
    for i in range(80):
        ease = int(rng.integers(1, 8))
        nps = int(np.clip(round(ease * 1.4 + rng.normal(0, 1)), 0, 10))
        submit_response(survey=survey, answers={"nps": nps, "ease": ease}, key=f"d{i}")
    with CaptureQueriesContext(connection) as queries:
        found = survey_drivers(survey, resamples=50)
    first = found.analysis.drivers[0]
    assert (found.labels[first.name].key, first.rank) == ("ease", 1)
    assert first.clear
    assert found.score_question is not None
    assert found.score_question.key == "nps"
    assert len(queries.captured_queries) == 3  # questions, responses, answers


def test_a_question_too_few_answered_is_not_ranked(alice):
    survey = make_survey(alice.organization)
    for i in range(40):
        answers = {"nps": i % 11, "ease": 1 + i % 7} if i < 10 else {"nps": i % 11}
        submit_response(survey=survey, answers=answers, key=f"r{i}")
    driver = survey_drivers(survey, resamples=20).analysis.drivers[0]
    assert (driver.status, driver.observations) == ("too_little_data", 10)


def test_periods_default_to_the_last_ninety_days_against_the_ninety_before():
    from earful.insights.selectors_rows import default_periods

    a, b = default_periods(now=NOW)
    assert b.end == datetime(2026, 11, 19, tzinfo=UTC)
    assert (b.end - b.start).days == (a.end - a.start).days == 90
    assert a.end == b.start
    assert isinstance(a, Period)
