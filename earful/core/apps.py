from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "earful.core"
    label = "core"
