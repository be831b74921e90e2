from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "earful.outreach"
    label = "outreach"

    def ready(self) -> None:
        from earful.outreach import handlers  # noqa: F401  (connects the receivers)
