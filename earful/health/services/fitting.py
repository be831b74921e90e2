"""Does the score predict? Weights fitted on the organization's own history, checked on a later
period it did not see (a time-split backtest). Default weights otherwise.

Churn label: a customer who had ordered at least twice before a cutoff and orders nothing in
the 90 days after it. Training cutoff: 180 days ago (its 90 days of outcome end 90 days ago);
test cutoff: 90 days ago (outcome: the last 90 days). Features: each component's points as
of the cutoff (scoring.py). A logistic regression on the training cutoff gives one coefficient
per component; a component that predicts churn the wrong way, or not at all, gets weight 0,
the others their coefficient scaled so the weights average 1. The fitted weights are used only
when the training set has at least MIN_CUSTOMERS customers and MIN_CHURNED churners, and the
fitted score's AUC on the test cutoff is not below the default one's; the page shows both AUCs
and the churn rate in each band (calibration).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db.models import Count
from django.utils import timezone

from earful.customers.models import CustomerEvent, EventType
from earful.health.models import HealthState
from earful.health.scoring import (
    BASE,
    COMPONENTS,
    DEFAULT_WEIGHTS,
    Band,
    band_for,
    score_customer,
)
from earful.health.services.gathering import gather

HORIZON = timedelta(days=90)
MIN_CUSTOMERS = 200
MIN_CHURNED = 20
SAMPLE = 20000


@dataclass
class Labelled:
    points: np.ndarray  # customers x components
    churned: np.ndarray  # 1 = no order in the 90 days after the cutoff


def labelled_at(organization_id: int, cutoff: datetime, limit: int = SAMPLE) -> Labelled:
    """Customers with two orders or more before `cutoff`: their points then, and the outcome."""
    ids = list(
        CustomerEvent.objects.filter(
            organization_id=organization_id, type=EventType.PURCHASE, occurred_at__lt=cutoff
        )
        .values("customer_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)[:limit]
    )
    stayed = set(
        CustomerEvent.objects.filter(
            customer_id__in=ids,
            type=EventType.PURCHASE,
            occurred_at__gte=cutoff,
            occurred_at__lt=cutoff + HORIZON,
        ).values_list("customer_id", flat=True)
    )
    rows, labels = [], []
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for customer_id, g in gather(
            organization_id=organization_id, customer_ids=chunk, now=cutoff
        ).items():
            result = score_customer(g.inputs, now=cutoff)
            rows.append([result.points[c] for c in COMPONENTS])
            labels.append(0 if customer_id in stayed else 1)
    points = np.array(rows, dtype=float).reshape(-1, len(COMPONENTS))
    return Labelled(points=points, churned=np.array(labels, dtype=float))


def auc(scores: np.ndarray, positive: np.ndarray) -> float | None:
    """The probability that a random positive ranks above a random negative (ties count half)."""
    pos, neg = scores[positive == 1], scores[positive == 0]
    if not len(pos) or not len(neg):
        return None
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    values = np.concatenate([pos, neg])[order]
    i = 0
    while i < len(values):  # average ranks over ties
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def health_scores(points: np.ndarray, weights: dict[str, float]) -> np.ndarray:
    w = np.array([weights.get(c, 1.0) for c in COMPONENTS])
    return np.clip(np.rint(BASE + points @ w), 0, 100)


def logistic(points: np.ndarray, churned: np.ndarray, steps: int = 400) -> np.ndarray:
    """Coefficients of churn ~ points (gradient descent on standardised points, L2 0.01)."""
    mean, std = points.mean(axis=0), points.std(axis=0)
    std[std == 0] = 1
    x = np.hstack([np.ones((len(points), 1)), (points - mean) / std])
    beta = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ beta)))
        gradient = x.T @ (p - churned) / len(x) + 0.01 * np.r_[0, beta[1:]]
        beta -= 0.5 * gradient
    return beta[1:] / std


def weights_from(coefficients: np.ndarray, points: np.ndarray) -> dict[str, float]:
    varies = points.std(axis=0) > 0
    protective = np.where(varies, np.maximum(0.0, -coefficients), 0.0)
    if not protective.any():
        return dict(DEFAULT_WEIGHTS)
    scale = protective[protective > 0].mean()
    return {
        c: round(float(protective[k] / scale), 2) if varies[k] else 1.0
        for k, c in enumerate(COMPONENTS)
    }


def calibration(points: np.ndarray, churned: np.ndarray, weights: dict) -> list[list]:
    scores = health_scores(points, weights)
    bands = [band_for(int(s)) for s in scores]
    table = []
    for band in (Band.CHAMPION, Band.HEALTHY, Band.ATTENTION, Band.AT_RISK):
        picked = [k for k, b in enumerate(bands) if b == band]
        rate = float(churned[picked].mean()) if picked else None
        table.append([Band.LABELS[band], len(picked), None if rate is None else round(rate, 3)])
    return table


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def fit_weights(*, organization_id: int, now: datetime | None = None) -> dict:
    """Fits, backtests, stores the figures (and the weights when they earn it); returns them."""
    now = now or timezone.now()
    train = labelled_at(organization_id, now - 2 * HORIZON)
    test = labelled_at(organization_id, now - HORIZON)
    churners = int(train.churned.sum())
    fit: dict = {
        "fitted_at": now.isoformat(),
        "trained_on": len(train.churned),
        "trained_churned": churners,
        "tested_on": len(test.churned),
        "tested_churned": int(test.churned.sum()),
        "used": "default",
    }
    weights = dict(DEFAULT_WEIGHTS)
    # Health predicts staying: AUC of -score as the churn predictor.
    fit["auc_default"] = _r(auc(-health_scores(test.points, weights), test.churned))
    if len(train.churned) < MIN_CUSTOMERS or churners < MIN_CHURNED:
        fit["why"] = (
            f"not enough history yet: {len(train.churned)} customers with two orders "
            f"({churners} left) where {MIN_CUSTOMERS} and {MIN_CHURNED} are needed"
        )
    else:
        fitted = weights_from(logistic(train.points, train.churned), train.points)
        fit["weights"] = fitted
        fit["auc_fitted"] = _r(auc(-health_scores(test.points, fitted), test.churned))
        better = (fit["auc_fitted"] or 0) >= (fit["auc_default"] or 0)
        if better:
            weights, fit["used"] = fitted, "fitted"
        fit["why"] = (
            "the fitted weights ranked the test period's leavers at least as well"
            if better
            else "the fitted weights did worse on the test period than the defaults"
        )
    fit["calibration"] = (
        calibration(test.points, test.churned, weights) if len(test.churned) else []
    )
    HealthState.objects.update_or_create(
        organization_id=organization_id,
        defaults={"fit": fit, "weights": weights if fit["used"] == "fitted" else {}},
    )
    return fit
