from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "earful.outreach"
    label = "outreach"
