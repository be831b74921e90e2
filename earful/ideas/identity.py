"""Who a board visitor is: a customer of the organization, recognised by a signed link (from an
email or the widget), or by an email address they confirmed through a one-time link.

The session remembers the customer per organization; votes are keyed by the customer, so
clearing cookies never gives anyone a second vote (they sign in again as the same customer)."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest

_WHO_SALT = "earful.ideas.who"
_UNSUBSCRIBE_SALT = "earful.ideas.unsubscribe"


def sign_who(*, organization_id: int, customer_id: int) -> str:
    """The `who` value of a board link: the customer of this organization, signed."""
    return signing.Signer(salt=_WHO_SALT).sign_object([organization_id, customer_id])


def _unsign_pair(value: str, salt: str, organization_id: int) -> int | None:
    if not value or len(value) > 300:
        return None
    try:
        payload = signing.Signer(salt=salt).unsign_object(value)
    except (signing.BadSignature, ValueError):
        return None
    if not (isinstance(payload, list) and len(payload) == 2):
        return None
    org, customer = payload
    if org != organization_id or not isinstance(customer, int) or isinstance(customer, bool):
        return None
    return customer


def unsign_who(value: str, *, organization_id: int) -> int | None:
    """The customer id in a `who` value signed for this organization; None otherwise."""
    return _unsign_pair(value, _WHO_SALT, organization_id)


def sign_unsubscribe(*, organization_id: int, customer_id: int) -> str:
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign_object([organization_id, customer_id])


def unsign_unsubscribe(value: str, *, organization_id: int) -> int | None:
    return _unsign_pair(value, _UNSUBSCRIBE_SALT, organization_id)


def _key(organization_id: int) -> str:
    return f"earful.ideas.customer.{organization_id}"


def remember(request: HttpRequest, *, organization_id: int, customer_id: int) -> None:
    request.session[_key(organization_id)] = customer_id


def remembered(request: HttpRequest, *, organization_id: int) -> int | None:
    value = request.session.get(_key(organization_id))
    return value if isinstance(value, int) else None


def forget(request: HttpRequest, *, organization_id: int) -> None:
    request.session.pop(_key(organization_id), None)
