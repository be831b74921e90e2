from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "earful.alerts"
    label = "alerts"

    def ready(self) -> None:
        from earful.alerts import handlers  # noqa: F401  (connects the receivers)
        from earful.alerts.models import Delivery, DeliveryStatus
        from earful.core.worker_status import register_waiting

        def pending_deliveries(organization_id: int) -> int:
            pending = Delivery.objects.filter(status=DeliveryStatus.PENDING)
            return pending.filter(organization_id=organization_id).count()

        register_waiting("alert deliveries", pending_deliveries)
