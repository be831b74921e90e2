"""Background work: load by id, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task

from earful.webhooks import services


@task()
def publish_enriched_items(item_ids: list[int]) -> int:
    return services.publish_enriched_items(item_ids=item_ids)


@task()
def send_delivery(delivery_id: int) -> bool:
    return services.send_delivery(delivery_id=delivery_id)
