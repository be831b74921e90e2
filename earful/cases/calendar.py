"""Business time, pure: working intervals of a zone's days (DST-safe through zoneinfo), minutes
between two moments counted inside them, a moment N business minutes later, and local times
of a customer or an owner. No database here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MAX_DAYS = 3 * 366  # no target or pause reaches further; a calendar with no hours stops here
WEEKDAYS = (0, 1, 2, 3, 4)
NINE, FIVE = time(9), time(17)


class UnknownZone(ValueError):
    pass


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; UnknownZone for a name that is not one."""
    if not name or name not in _zone_names():
        raise UnknownZone(f"unknown time zone: {name!r} (use an IANA name like Europe/Paris)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownZone(f"unknown time zone: {name!r}") from exc


_NAMES: set[str] = set()


def _zone_names() -> set[str]:
    if not _NAMES:
        _NAMES.update(available_timezones())
        _NAMES.add("UTC")
    return _NAMES


@dataclass(frozen=True)
class Calendar:
    """Working hours per weekday (0 Monday) in `tz`, and days off."""

    tz: ZoneInfo
    hours: dict[int, tuple[time, time]]
    holidays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def office(cls, tz: ZoneInfo, days: tuple[int, ...] = WEEKDAYS) -> Calendar:
        return cls(tz, dict.fromkeys(days, (NINE, FIVE)))

    def intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals (aware, UTC) from the local day of `start` on, in order."""
        day = start.astimezone(self.tz).date()
        for _ in range(MAX_DAYS):
            span = self.hours.get(day.weekday())
            if span and day not in self.holidays and span[0] < span[1]:
                opens = datetime.combine(day, span[0], self.tz).astimezone(UTC)
                closes = datetime.combine(day, span[1], self.tz).astimezone(UTC)
                yield opens, closes
            day += timedelta(days=1)

    def is_working(self, moment: datetime) -> bool:
        for opens, closes in self.intervals(moment):
            return opens <= moment < closes
        return False

    def add_minutes(self, start: datetime, minutes: int) -> datetime:
        """The moment `minutes` of working time after `start`."""
        left = timedelta(minutes=minutes)
        for opens, closes in self.intervals(start):
            if closes <= start:
                continue
            begin = max(opens, start)
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
        return start + timedelta(minutes=minutes)  # no working time at all: plain minutes

    def minutes_between(self, start: datetime, end: datetime) -> int:
        """Working minutes from `start` to `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.minutes_between(end, start)
        total = timedelta()
        for opens, closes in self.intervals(start):
            if opens >= end:
                break
            lo, hi = max(opens, start), min(closes, end)
            if hi > lo:
                total += hi - lo
        return int(total.total_seconds() // 60)

    def last_working_moment(self, at_or_before: datetime, not_before: datetime) -> datetime | None:
        """The latest moment <= `at_or_before` inside working hours, not before `not_before`."""
        day = at_or_before.astimezone(self.tz).date()
        for _ in range(MAX_DAYS):
            span = self.hours.get(day.weekday())
            if span and day not in self.holidays and span[0] < span[1]:
                opens = datetime.combine(day, span[0], self.tz).astimezone(UTC)
                closes = datetime.combine(day, span[1], self.tz).astimezone(UTC)
                if opens <= at_or_before:
                    moment = min(at_or_before, closes - timedelta(minutes=1))
                    return moment if moment >= not_before else None
            if datetime.combine(day, time(0), self.tz) < not_before:
                return None
            day -= timedelta(days=1)
        return None


class BadLocalTime(ValueError):
    pass


def local_to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in `tz` as UTC. A time the clocks skip (spring forward) is refused; a
    time they pass twice (fall back) is the first of the two."""
    naive = local.replace(tzinfo=None)
    aware = naive.replace(tzinfo=tz, fold=0)
    back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != naive:
        raise BadLocalTime(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks go forward then)"
        )
    return aware.astimezone(UTC)


def describe_minutes(minutes: int) -> str:
    """'3 h 10 min', '45 min', '2 d 1 h' (business days of 8 hours are not assumed: plain)."""
    minutes = abs(minutes)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
