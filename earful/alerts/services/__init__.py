"""Alert services (writes): configuring rules and destinations, evaluating and firing,
delivering through the outbox, the periodic sweep."""

from earful.alerts.services.configuring import (
    AlertsInvalid,
    create_destination,
    create_rule,
    delete_destination,
    delete_rule,
    retry_delivery,
    set_destination_enabled,
    update_rule,
)
from earful.alerts.services.evaluating import evaluate_items, evaluate_periodic
from earful.alerts.services.sending import deliver_due, send_delivery
from earful.alerts.services.sweep import SweepReport, start_sweeper, sweep_alerts

__all__ = [
    "AlertsInvalid",
    "SweepReport",
    "create_destination",
    "create_rule",
    "delete_destination",
    "delete_rule",
    "deliver_due",
    "evaluate_items",
    "evaluate_periodic",
    "retry_delivery",
    "send_delivery",
    "set_destination_enabled",
    "start_sweeper",
    "sweep_alerts",
    "update_rule",
]
