from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "earful.home"
    label = "home"
