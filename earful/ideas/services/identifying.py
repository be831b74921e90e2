"""Board identity by email: a one-time link, sent through the outbox, confirms the address."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from earful.accounts.models import Organization
from earful.customers.models import Customer
from earful.ideas.models import EmailConfirmation
from earful.ideas.services.errors import IdeasInvalid
from earful.outreach.models import OutboundMessage
from earful.outreach.services.sending import enqueue_sends

CONFIRMATION = "confirmation"  # outreach.budget.TRANSACTIONAL_KINDS: never budgeted
LINK_LIFETIME = timedelta(hours=24)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def customer_for_email(*, organization: Organization, email: str) -> Customer:
    """The organization's customer with this address, or a new one named by it."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise IdeasInvalid([("email", "enter a valid email address")]) from None
    found = Customer.objects.filter(organization=organization, email__iexact=email).first()
    if found is not None:
        return found
    customer, _ = Customer.objects.get_or_create(
        organization=organization, external_id=f"email:{email}", defaults={"email": email}
    )
    return customer


@transaction.atomic
def request_email_confirmation(
    *, organization: Organization, email: str, next_path: str = "", now: datetime | None = None
) -> EmailConfirmation:
    """Queues an email with a one-time link (valid 24 hours) that signs the visitor in."""
    now = now or timezone.now()
    customer = customer_for_email(organization=organization, email=email)
    token = secrets.token_urlsafe(24)
    confirmation = EmailConfirmation.objects.create(
        organization=organization,
        customer=customer,
        digest=_digest(token),
        expires_at=now + LINK_LIFETIME,
    )
    link = f"{settings.EARFUL_BASE_URL}/b/{organization.slug}/confirm/{token}/"
    if next_path.startswith(f"/b/{organization.slug}/"):
        link += f"?next={next_path}"
    message = OutboundMessage.objects.create(
        organization=organization,
        customer=customer,
        kind=CONFIRMATION,
        send_after=now,
        subject=f"Confirm your email for {organization.name}'s ideas board",
        body=(
            f"Hello,\n\nSomeone (we hope you) asked to post and vote on {organization.name}'s "
            f"ideas board with this address. Open this link within 24 hours to confirm:\n\n"
            f"{link}\n\nIf it was not you, ignore this message.\n"
        ),
    )
    transaction.on_commit(lambda: enqueue_sends([message.pk]))
    return confirmation


def confirm_email(
    *, organization: Organization, token: str, now: datetime | None = None
) -> Customer:
    """The customer of a valid, unused, unexpired link; the link is spent."""
    now = now or timezone.now()
    used = EmailConfirmation.objects.filter(
        organization=organization, digest=_digest(token or ""), used_at=None, expires_at__gt=now
    )
    confirmation = used.select_related("customer").first()
    if confirmation is None or not used.filter(pk=confirmation.pk).update(used_at=now):
        raise IdeasInvalid([("token", "this link was used already or has expired")], status=404)
    return confirmation.customer
