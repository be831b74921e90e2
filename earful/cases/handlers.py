"""Receivers of other apps' signals: they only enqueue, on commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from earful.alerts.signals import alert_fired
from earful.cases import tasks


@receiver(alert_fired)
def enqueue_case_opening(sender: Any, alert_ids: list[int], **kwargs: Any) -> None:
    ids = list(alert_ids)
    transaction.on_commit(lambda: tasks.open_cases_for_alerts.enqueue(ids))
