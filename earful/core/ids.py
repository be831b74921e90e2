"""Ids made in Python."""

from __future__ import annotations

import os
import time
import uuid


def time_ordered_uuid() -> uuid.UUID:
    """A UUID version 7 (RFC 9562): the Unix time in milliseconds, then 74 random bits.

    For a unique column written by every answer: ids made one after another sort together, so
    each insert lands on the index's last page instead of a random one (a random UUID dirties
    a page of its own per row, written to SQLite's log and again at its checkpoint). As hard
    to guess as a UUID4 within a millisecond; it tells when it was made, which the row it
    names shows anyway."""
    millis = time.time_ns() // 1_000_000
    value = (millis & 0xFFFF_FFFF_FFFF) << 80 | int.from_bytes(os.urandom(10)) & _RANDOM_BITS
    return uuid.UUID(int=value | _VERSION_7)


_RANDOM_BITS = (1 << 80) - 1 & ~(0xF << 76) & ~(0x3 << 62)  # without version and variant bits
_VERSION_7 = 0x7 << 76 | 0x2 << 62  # version 7, variant RFC 9562
