from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from earful.accounts.models import Member, Organization
from earful.customers.models import Customer


def list_customers(organization: Organization, *, search: str = "") -> QuerySet[Customer]:
    customers = Customer.objects.filter(organization=organization).select_related("account")
    if search:
        customers = customers.filter(
            Q(external_id__icontains=search)
            | Q(email__icontains=search)
            | Q(name__icontains=search)
            | Q(account__name__icontains=search)
        )
    return customers.order_by("external_id")


def access_customer(member: Member, customer_id: int) -> Customer:
    return get_object_or_404(
        Customer.objects.select_related("account"),
        pk=customer_id,
        organization=member.organization,
    )


def customer_by_external_id(organization_id: int, external_id: str) -> Customer | None:
    if not external_id:
        return None
    return Customer.objects.filter(organization_id=organization_id, external_id=external_id).first()


def customer_by_id(organization_id: int, customer_id: int) -> Customer | None:
    return Customer.objects.filter(organization_id=organization_id, pk=customer_id).first()
