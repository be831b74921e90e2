from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "earful.cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from earful.cases import handlers  # noqa: F401  (connects the receivers)
