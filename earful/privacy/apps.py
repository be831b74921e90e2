from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "earful.privacy"
    label = "privacy"
    verbose_name = "Data rights: export, erasure, audit log"

    def ready(self) -> None:
        from earful.privacy import handlers  # noqa: F401  (login signals)
