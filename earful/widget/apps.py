from django.apps import AppConfig


class WidgetConfig(AppConfig):
    name = "earful.widget"
    label = "widget"
