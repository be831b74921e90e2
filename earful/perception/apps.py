from django.apps import AppConfig


class PerceptionConfig(AppConfig):
    name = "earful.perception"
    label = "perception"
    verbose_name = "Perception gap: what staff expect against what customers say"
