"""Trust modes: what members may see of who answered. See docs/user/trust.md.

identified    the response links to the customer (the default)
pseudonymous  the response carries a stable code instead; the identity is kept apart
trustee       nobody in the organization sees who answered; the identity is kept apart and
              every breakdown of fewer than MIN_GROUP respondents is suppressed
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

MIN_GROUP = 5
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read aloud
CODE_LENGTH = 6


def respondent_code(organization_id: int, customer_ref: str) -> str:
    """A stable code for one customer of one organization, e.g. "R-7F3K2Q".

    An HMAC keyed by the installation's secret and the organization, so the same customer has
    the same code on every survey of that organization and a different one elsewhere, and the
    code cannot be turned back into the customer id without the secret."""
    if not customer_ref.strip():
        return ""
    digest = salted_hmac(
        f"earful.surveys.respondent:{organization_id}", customer_ref.strip(), algorithm="sha256"
    ).digest()
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(_ALPHABET))
        letters.append(_ALPHABET[index])
    return "R-" + "".join(letters)


def suppress(count: int | None, *, trustee: bool) -> int | None:
    """None (shown as "fewer than 5") for a trustee group of 1 to MIN_GROUP - 1 respondents."""
    if trustee and count is not None and 0 < count < MIN_GROUP:
        return None
    return count
