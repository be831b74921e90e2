"""Background work: load by id, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task

from earful.ingest.services import webhooks


@task()
def process_webhook_receipt(receipt_id: int) -> int:
    """Writes the items of an accepted webhook receipt; a processed one is left alone.
    Returns how many items were new or updated."""
    recorded = webhooks.record_receipt(receipt_id=receipt_id)
    return 0 if recorded is None else recorded.counts.new + recorded.counts.updated
