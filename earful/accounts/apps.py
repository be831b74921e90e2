from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "earful.accounts"
    label = "accounts"
