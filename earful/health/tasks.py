"""Background work: load by id, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task

from earful.health.services import fitting, loyalty, recompute, referrals, thanks


@task()
def refresh_health(organization_id: int) -> int:
    return recompute.refresh_health(organization_id=organization_id).customers


@task()
def recompute_customers(organization_id: int, customer_ids: list[int]) -> int:
    return recompute.recompute_customers(
        organization_id=organization_id, customer_ids=customer_ids
    ).customers


@task()
def recompute_speakers(item_ids: list[int]) -> int:
    return recompute.recompute_speakers(item_ids=item_ids).customers


@task()
def apply_orders(organization_id: int, customer_ids: list[int]) -> int:
    """Loyalty points and referral first purchases for these customers' new orders."""
    referrals.attribute_first_purchases(organization_id=organization_id, customer_ids=customer_ids)
    return loyalty.award_points(organization_id=organization_id, customer_ids=customer_ids)


@task()
def send_thank_you(thank_you_id: int) -> bool:
    return thanks.send_thank_you(thank_you_id=thank_you_id)


@task()
def fit_weights(organization_id: int) -> str:
    fit = fitting.fit_weights(organization_id=organization_id)
    recompute.recompute_all(organization_id=organization_id)
    return str(fit["used"])
