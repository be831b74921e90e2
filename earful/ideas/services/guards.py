"""Spam guards and rate limits on the board's public doors (earful/core/ratelimit.py counts)."""

from __future__ import annotations

import re

from earful.core.ratelimit import Limit, seconds_until_allowed
from earful.ideas.services.errors import RateLimited

POSTS = Limit(5, 3600)  # ideas and comments per person per hour
POSTS_PER_ADDRESS = Limit(20, 3600)
VOTES = Limit(60, 600)  # votes and follows per person per 10 minutes
CONFIRMATIONS = Limit(5, 3600)  # confirmation emails per address and per email per hour
ENTRIES = Limit(10, 3600)  # free prize-draw entries per address per hour

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
MAX_LINKS = 2


def check_rate(scope: str, limit: Limit, *whos: str) -> None:
    """Counts one try for each `who` (a customer id, a hashed address); 429 past the limit."""
    for who in whos:
        if who and (wait := seconds_until_allowed(f"ideas-{scope}", who, limit)):
            raise RateLimited("rate", wait)


def looks_like_spam(*texts: str) -> bool:
    """More than MAX_LINKS links: held for a person to look at (spam), not shown."""
    return sum(len(_LINK.findall(text)) for text in texts) > MAX_LINKS
