from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "earful.inbox"
    label = "inbox"
