"""Signed respondent references: who is answering, carried in a survey link without a lookup.

An invitation link sends the customer to the public survey form with `?ref=<signed>`. The value
names the survey, the customer and the invitation by id, signed with the installation's secret
under its own salt, so it cannot be forged or moved to another survey, and a value signed for
anything else (a session, a password reset) is never accepted here. It does not expire: an
invitation may be answered weeks later, and the ref grants nothing beyond answering as that
customer, which the invitation link itself already grants.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

_SALT = "earful.respondent-ref"


@dataclass(frozen=True)
class RespondentRef:
    survey_id: int
    customer_id: int
    invitation_id: int | None = None


def sign_respondent_ref(
    *, survey_id: int, customer_id: int, invitation_id: int | None = None
) -> str:
    """A URL-safe value naming who answers which survey (and from which invitation)."""
    return signing.Signer(salt=_SALT).sign_object([survey_id, customer_id, invitation_id])


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def unsign_respondent_ref(value: str) -> RespondentRef | None:
    """The reference in a signed value; None when it is empty, tampered with or malformed."""
    if not value or len(value) > 500:
        return None
    try:
        payload = signing.Signer(salt=_SALT).unsign_object(value)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, list) or len(payload) != 3:
        return None
    survey_id, customer_id, invitation_id = payload
    if not (_is_id(survey_id) and _is_id(customer_id)):
        return None
    if invitation_id is not None and not _is_id(invitation_id):
        return None
    return RespondentRef(survey_id, customer_id, invitation_id)
