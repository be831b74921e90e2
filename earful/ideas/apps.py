from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "earful.ideas"
    label = "ideas"
