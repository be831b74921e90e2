"""Background work: load by id, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task

from earful.alerts import services


@task()
def evaluate_items(item_ids: list[int]) -> int:
    return services.evaluate_items(item_ids=item_ids)


@task()
def send_delivery(delivery_id: int) -> bool:
    return services.send_delivery(delivery_id=delivery_id)
