"""Background work: load by id, call a service, nothing else."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from earful.cases import services


@task()
def open_cases_for_alerts(alert_ids: list[int]) -> int:
    return services.open_cases_for_alerts(alert_ids=alert_ids, now=timezone.now())


@task()
def send_notification(notification_id: int) -> bool:
    return services.send_notification(notification_id=notification_id)
