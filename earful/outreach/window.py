"""Send windows: when a message may reach a customer, in the customer's own time zone. Pure."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache

WEEKDAYS = "1234567"  # ISO: 1 is Monday, 7 is Sunday
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class SendWindow:
    """Local opening hours on the given ISO weekdays; `start` < `end`, same day."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    weekdays: str = "12345"

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("the window must open before it closes on the same day")
        if not self.weekdays or any(d not in WEEKDAYS for d in self.weekdays):
            raise ValueError("weekdays: one or more ISO day numbers, 1 (Monday) to 7 (Sunday)")

    def opens_on(self, day: datetime) -> bool:
        return str(day.isoweekday()) in self.weekdays

    def describe(self) -> str:
        days = ", ".join(_DAY_NAMES[int(d) - 1] for d in sorted(set(self.weekdays)))
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M} local time"


@lru_cache(maxsize=512)
def zone_or_utc(tz_name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone; UTC when the name is empty or unknown (a bad import must not stop sends)."""
    try:
        return zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return zoneinfo.ZoneInfo("UTC")


def next_send_time(due_utc: datetime, tz_name: str, window: SendWindow) -> datetime:
    """The first moment at or after `due_utc` that falls inside the window in the zone (UTC).

    Local wall times are resolved by zoneinfo, so a window opening at 09:00 stays 09:00 local
    across daylight-saving changes; an opening inside a skipped hour moves to just after it.
    """
    if due_utc.tzinfo is None:
        raise ValueError("due_utc must be an aware datetime")
    zone = zone_or_utc(tz_name)
    local = due_utc.astimezone(zone)
    if window.opens_on(local) and window.start <= local.time() < window.end:
        return due_utc.astimezone(UTC)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        opening = datetime.combine(day, window.start, tzinfo=zone)
        if window.opens_on(opening) and opening.astimezone(UTC) > due_utc:
            return opening.astimezone(UTC)
    raise AssertionError("a window with at least one weekday opens within a week")
