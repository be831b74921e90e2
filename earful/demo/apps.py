from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "earful.demo"
    label = "demo"
