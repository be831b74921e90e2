from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "earful.webhooks"
    label = "webhooks"
    verbose_name = "Outbound webhooks for every event"

    def ready(self) -> None:
        from earful.webhooks import handlers  # noqa: F401  (receivers of other apps' signals)
