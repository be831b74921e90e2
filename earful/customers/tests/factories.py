from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from earful.customers.models import Account, Customer


class AccountFactory(DjangoModelFactory):
    class Meta:
        model = Account
        django_get_or_create = ("organization", "name")

    name = factory.Sequence(lambda n: f"Company {n}")


class CustomerFactory(DjangoModelFactory):
    """Pass `organization=`; every customer is someone's."""

    class Meta:
        model = Customer

    external_id = factory.Sequence(lambda n: f"cus_{n:05d}")
    email = factory.LazyAttribute(lambda c: f"{c.external_id}@example.test")
    name = factory.Sequence(lambda n: f"Customer {n}")
    timezone = "Europe/Paris"
    locale = "fr-FR"
    account = factory.SubFactory(
        AccountFactory, organization=factory.SelfAttribute("..organization")
    )
    attributes = factory.LazyFunction(lambda: {"plan": "pro"})
