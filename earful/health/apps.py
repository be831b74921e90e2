from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "earful.health"
    label = "health"
    verbose_name = "Health, loyalty and referrals"

    def ready(self) -> None:
        from earful.health import handlers  # noqa: F401  (connects the receivers)
