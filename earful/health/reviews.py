"""Review invitations go to everyone or to no one: asking only happy customers for public
reviews is review gating, against Google's review policy and the FTC's rule on consumer
reviews (16 CFR 465). Pure."""

from __future__ import annotations

from dataclasses import dataclass

EVERYONE = "everyone"
NO_ONE = "no_one"
# Audiences chosen by how satisfied someone is: exactly what gating means.
GATED = {
    "promoters": "promoters only",
    "superfans": "superfans only",
    "highly_satisfied": "highly satisfied customers only",
    "satisfied": "satisfied customers only",
    "healthy": "customers with a good health score only",
    "champions": "champions only",
}


@dataclass(frozen=True)
class PolicyAnswer:
    allowed: bool
    reason: str


def review_invitation_policy(audience: str) -> PolicyAnswer:
    """May review invitations go to this audience? Everyone or no one; never a happy subset."""
    if audience == EVERYONE:
        return PolicyAnswer(True, "every customer is invited alike, whatever they think of you")
    if audience == NO_ONE:
        return PolicyAnswer(True, "no review invitations are sent")
    if audience in GATED:
        return PolicyAnswer(
            False,
            f"review gating: inviting {GATED[audience]} to write public reviews is against "
            "Google's and the FTC's rules. Invite everyone or no one.",
        )
    return PolicyAnswer(False, f"unknown audience {audience!r}: everyone or no_one")
