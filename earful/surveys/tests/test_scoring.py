import pytest

from earful.surveys.scoring import headline_score, tier_for


@pytest.mark.parametrize(
    ("kind", "value", "tier"),
    [
        ("nps", 10, "highly_satisfied"),
        ("nps", 9, "highly_satisfied"),
        ("nps", 8, "satisfied"),
        ("nps", 7, "satisfied"),
        ("nps", 6, "dissatisfied"),
        ("nps", 0, "dissatisfied"),
        ("csat", 5, "highly_satisfied"),
        ("csat", 4, "satisfied"),
        ("csat", 3, "dissatisfied"),
        ("ces", 7, "highly_satisfied"),
        ("ces", 6, "highly_satisfied"),
        ("ces", 5, "satisfied"),
        ("ces", 4, "dissatisfied"),
        ("rating", 5, "highly_satisfied"),
        ("rating", 1, "dissatisfied"),
    ],
)
def test_each_score_falls_in_its_documented_tier(kind, value, tier):
    assert tier_for(kind, value) == tier


def test_nps_is_promoters_minus_detractors_in_points():
    tiers = {"highly_satisfied": 50, "satisfied": 30, "dissatisfied": 20}
    assert headline_score("nps", tiers=tiers, total=100, sum_of_scores=0) == 30.0


def test_csat_is_the_share_answering_four_or_five():
    tiers = {"highly_satisfied": 1, "satisfied": 1, "dissatisfied": 1}
    assert headline_score("csat", tiers=tiers, total=3, sum_of_scores=0) == 66.7


def test_ces_is_the_average_rounded_half_up():
    assert headline_score("ces", tiers={}, total=4, sum_of_scores=21) == 5.3  # 5.25


def test_no_answers_means_no_score_rather_than_zero():
    assert headline_score("nps", tiers={}, total=0, sum_of_scores=0) is None
