"""Personal referral links: a customer's link brings sign-ups, and their first purchases, back
to them. The shop reports a sign-up that came with a code (`record_signup`); purchases are
attributed from the order history as it arrives."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Min
from django.utils import timezone

from earful.accounts.models import Organization
from earful.customers.models import Customer, CustomerEvent, EventType
from earful.health.models import Referral, ReferralLink
from earful.health.services.recompute import mark_dirty


class ReferralInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def referral_link_for(*, customer: Customer) -> ReferralLink:
    """The customer's personal link (made on first use)."""
    link = ReferralLink.objects.filter(customer=customer).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return ReferralLink.objects.create(
                organization_id=customer.organization_id,
                customer=customer,
                code=secrets.token_urlsafe(9),
            )
    except IntegrityError:  # made by a concurrent request
        return ReferralLink.objects.get(customer=customer)


def record_click(*, code: str) -> ReferralLink | None:
    link = ReferralLink.objects.filter(code=code).first()
    if link is not None:
        ReferralLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
    return link


def record_signup(
    *, organization: Organization, code: str, customer_ref: str, now: datetime | None = None
) -> tuple[Referral, bool]:
    """Someone signed up with a referral code. Idempotent per referred customer; a customer
    already known before is not a new sign-up, and nobody refers themselves."""
    now = now or timezone.now()
    customer_ref = customer_ref.strip()
    if not customer_ref or len(customer_ref) > 200:
        raise ReferralInvalid("customer", "required: the new customer's external id")
    link = ReferralLink.objects.filter(organization=organization, code=code.strip()).first()
    if link is None:
        raise ReferralInvalid("code", "no referral link has this code")
    referred, _ = Customer.objects.get_or_create(
        organization=organization, external_id=customer_ref
    )
    if referred.pk == link.customer_id:
        raise ReferralInvalid("customer", "a customer cannot refer themselves")
    stored = Referral.objects.filter(referred=referred).first()
    if stored is not None:
        return stored, False
    if CustomerEvent.objects.filter(customer=referred, type=EventType.PURCHASE).exists():
        raise ReferralInvalid("customer", "already a customer before this sign-up")
    referral = Referral.objects.create(
        organization=organization, link=link, referred=referred, signed_up_at=now
    )
    mark_dirty(organization_id=organization.pk, customer_ids=[link.customer_id])
    return referral, True


def attribute_first_purchases(*, organization_id: int, customer_ids: Iterable[int]) -> int:
    """Referred customers among these who bought: their first purchase goes back to the link."""
    waiting = Referral.objects.filter(
        organization_id=organization_id,
        referred_id__in=list(customer_ids),
        first_purchase_at__isnull=True,
    )
    firsts = dict(
        CustomerEvent.objects.filter(
            customer_id__in=waiting.values("referred_id"), type=EventType.PURCHASE
        )
        .values("customer_id")
        .annotate(first=Min("occurred_at"))
        .order_by()
        .values_list("customer_id", "first")
    )
    done = 0
    for referral in waiting.filter(referred_id__in=list(firsts)):
        Referral.objects.filter(pk=referral.pk, first_purchase_at__isnull=True).update(
            first_purchase_at=firsts[referral.referred_id]
        )
        mark_dirty(organization_id=organization_id, customer_ids=[referral.link.customer_id])
        done += 1
    return done
