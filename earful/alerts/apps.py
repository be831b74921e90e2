from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "earful.alerts"
    label = "alerts"
