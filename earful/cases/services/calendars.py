"""The organization's case settings and calendar, and a member's working hours."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.db import transaction

from earful.accounts.models import Member, Organization
from earful.accounts.roles import Role
from earful.cases.calendar import Calendar, UnknownZone, zone
from earful.cases.models import (
    AgentProfile,
    Assignment,
    BusinessHours,
    CaseSettings,
    Holiday,
    Priority,
)
from earful.cases.services.errors import CasesInvalid

_UNSET: Any = object()


def settings_of(organization: Organization) -> CaseSettings:
    """The organization's case settings, made with the defaults the first time."""
    found, _ = CaseSettings.objects.get_or_create(organization=organization)
    return found


def business_calendar(organization_id: int, settings: CaseSettings | None = None) -> Calendar:
    """Two queries (one with `settings` given): the hours and the holidays."""
    if settings is None:
        settings = CaseSettings.objects.filter(organization_id=organization_id).first()
    tz = zone(settings.timezone if settings else "UTC")
    rows = BusinessHours.objects.filter(organization_id=organization_id)
    hours = {r.weekday: (r.opens, r.closes) for r in rows}
    holidays = frozenset(
        Holiday.objects.filter(organization_id=organization_id).values_list("date", flat=True)
    )
    return Calendar(tz, hours or Calendar.office(tz).hours, holidays)


def owner_calendar(member: Member, fallback: Calendar) -> Calendar:
    """The member's own working hours in their zone; the business calendar when none is set."""
    profile = AgentProfile.objects.filter(member=member).first()
    if profile is None:
        return fallback
    days = tuple(profile.workdays) if profile.workdays else (0, 1, 2, 3, 4)
    return Calendar(
        zone(profile.timezone), dict.fromkeys(days, (profile.work_starts, profile.work_ends))
    )


def _zone_errors(field: str, name: str) -> list[tuple[str, str]]:
    try:
        zone(name)
    except UnknownZone as exc:
        return [(field, str(exc))]
    return []


def _member_errors(organization: Organization, field: str, member: Member | None) -> list[Any]:
    if member is not None and member.organization_id != organization.pk:
        return [(field, "is not a member of this organization")]
    return []


def update_case_settings(
    *,
    organization: Organization,
    timezone: str = _UNSET,
    assignment: str = _UNSET,
    team_lead: Member | None = _UNSET,
    targets: dict[str, list[int]] = _UNSET,
    cause_priority: dict[str, str] = _UNSET,
) -> CaseSettings:
    errors: list[tuple[str, str]] = []
    if timezone is not _UNSET:
        errors += _zone_errors("timezone", timezone)
    if assignment is not _UNSET and assignment not in Assignment.values:
        errors.append(("assignment", f"must be one of: {', '.join(Assignment.values)}"))
    if team_lead is not _UNSET:
        errors += _member_errors(organization, "team_lead", team_lead)
    if targets is not _UNSET:
        for priority, pair in targets.items():
            if priority not in Priority.values:
                errors.append((f"targets.{priority}", "no such priority"))
            elif len(pair) != 2 or not all(isinstance(v, int) and 0 < v <= 100_000 for v in pair):
                errors.append(
                    (f"targets.{priority}", "give [response minutes, resolution minutes]")
                )
    if errors:
        raise CasesInvalid(errors)
    with transaction.atomic():
        found = settings_of(organization)
        for name, value in (
            ("timezone", timezone),
            ("assignment", assignment),
            ("team_lead", team_lead),
            ("targets", targets),
            ("cause_priority", cause_priority),
        ):
            if value is not _UNSET:
                setattr(found, name, value)
        found.save()
    return found


def set_business_hours(
    *, organization: Organization, hours: dict[int, tuple[time, time] | None]
) -> None:
    """Replaces the week: weekday -> (opens, closes), None or missing for a closed day."""
    bad = [d for d, span in hours.items() if d not in range(7) or (span and span[0] >= span[1])]
    if bad:
        raise CasesInvalid([("hours", f"bad day or span: {bad}")])
    with transaction.atomic():
        BusinessHours.objects.filter(organization=organization).delete()
        BusinessHours.objects.bulk_create(
            BusinessHours(organization=organization, weekday=d, opens=s[0], closes=s[1])
            for d, s in sorted(hours.items())
            if s
        )


def add_holiday(*, organization: Organization, date: Any, name: str = "") -> Holiday:
    holiday, _ = Holiday.objects.update_or_create(
        organization=organization, date=date, defaults={"name": name[:100]}
    )
    return holiday


def set_agent_profile(
    *,
    member: Member,
    timezone: str,
    work_starts: time = time(9),
    work_ends: time = time(17),
    workdays: list[int] | None = None,
    takes_cases: bool = True,
) -> AgentProfile:
    errors = _zone_errors("timezone", timezone)
    if work_starts >= work_ends:
        errors.append(("work_ends", "must be after work_starts"))
    if errors:
        raise CasesInvalid(errors)
    profile, _ = AgentProfile.objects.update_or_create(
        member=member,
        defaults={
            "timezone": timezone,
            "work_starts": work_starts,
            "work_ends": work_ends,
            "workdays": workdays or [],
            "takes_cases": takes_cases,
        },
    )
    return profile


CASE_ROLES = (Role.OWNER, Role.ADMIN, Role.AGENT)
