from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "earful.customers"
    label = "customers"
