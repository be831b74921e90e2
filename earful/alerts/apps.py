from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "earful.alerts"
    label = "alerts"

    def ready(self) -> None:
        from earful.alerts import handlers  # noqa: F401  (connects the receivers)
