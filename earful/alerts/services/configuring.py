"""Rules and destinations: create, change, disable, delete. Each refuses bad input with every
field's reason at once (AlertsInvalid), writing nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction

from earful.accounts.models import Member, Organization
from earful.alerts.models import (
    AlertRule,
    Delivery,
    DeliveryStatus,
    Destination,
    DestinationKind,
    RuleKind,
)
from earful.alerts.services.parameters import clean_parameters

_UNSET: Any = object()
MAX_EMAILS = 20


class AlertsInvalid(ValueError):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


def _name_errors(name: str) -> list[tuple[str, str]]:
    if not name.strip():
        return [("name", "is required")]
    if len(name.strip()) > 100:
        return [("name", "must be at most 100 characters")]
    return []


def _destinations(
    organization: Organization, ids: Iterable[int]
) -> tuple[list[Destination], list[tuple[str, str]]]:
    wanted = list(dict.fromkeys(ids))
    found = Destination.objects.filter(organization=organization, pk__in=wanted).in_bulk()
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        return [], [("destinations", f"no such destination: {', '.join(missing)}")]
    return [found[i] for i in wanted], []


def _kind_errors(kind: str) -> list[tuple[str, str]]:
    if kind in RuleKind.values:
        return []
    return [("kind", f"must be one of: {', '.join(RuleKind.values)}")]


def create_rule(
    *,
    organization: Organization,
    name: str,
    kind: str,
    parameters: dict[str, Any] | None = None,
    destination_ids: Sequence[int] = (),
    enabled: bool = True,
    created_by: Member | None = None,
    open_case: bool = False,
) -> AlertRule:
    kind_errors = _kind_errors(kind)
    errors = _name_errors(name) + kind_errors
    cleaned, parameter_errors = clean_parameters(kind, parameters) if not kind_errors else ({}, [])
    destinations, destination_errors = _destinations(organization, destination_ids)
    errors += parameter_errors + destination_errors
    if errors:
        raise AlertsInvalid(errors)
    with transaction.atomic():
        rule = AlertRule.objects.create(
            organization=organization,
            name=name.strip(),
            kind=kind,
            parameters=cleaned,
            enabled=enabled,
            created_by=created_by,
            open_case=open_case,
        )
        rule.destinations.set(destinations)
    return rule


def update_rule(
    *,
    rule: AlertRule,
    name: str = _UNSET,
    parameters: dict[str, Any] = _UNSET,
    destination_ids: Sequence[int] = _UNSET,
    enabled: bool = _UNSET,
    open_case: bool = _UNSET,
) -> AlertRule:
    """Changes what is given; the kind stays (a rule of another kind is another rule).
    Given parameters replace the stored ones (missing ones take their defaults)."""
    errors = _name_errors(name) if name is not _UNSET else []
    cleaned, parameter_errors = (
        clean_parameters(rule.kind, parameters) if parameters is not _UNSET else ({}, [])
    )
    destinations, destination_errors = (
        _destinations(rule.organization, destination_ids)
        if destination_ids is not _UNSET
        else ([], [])
    )
    errors += parameter_errors + destination_errors
    if errors:
        raise AlertsInvalid(errors)
    with transaction.atomic():
        if name is not _UNSET:
            rule.name = name.strip()
        if parameters is not _UNSET:
            rule.parameters = cleaned
        if enabled is not _UNSET:
            rule.enabled = bool(enabled)
        if open_case is not _UNSET:
            rule.open_case = bool(open_case)
        rule.save()
        if destination_ids is not _UNSET:
            rule.destinations.set(destinations)
    return rule


def delete_rule(*, rule: AlertRule) -> None:
    """Deletes the rule with its alerts and their deliveries not sent yet."""
    rule.delete()


def _destination_errors(kind: str, emails: Sequence[str], url: str) -> list[tuple[str, str]]:
    if kind not in DestinationKind.values:
        return [("kind", f"must be one of: {', '.join(DestinationKind.values)}")]
    if kind == DestinationKind.EMAIL:
        if not emails:
            return [("emails", "give at least one email address")]
        if len(emails) > MAX_EMAILS:
            return [("emails", f"at most {MAX_EMAILS} addresses")]
        bad = []
        for address in emails:
            try:
                validate_email(address)
            except ValidationError:
                bad.append(address)
        return [("emails", f"not an email address: {', '.join(bad)}")] if bad else []
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return [("url", "must be an http:// or https:// URL")]
    if len(url) > 500:
        return [("url", "must be at most 500 characters")]
    return []


def _clean_emails(emails: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(e.strip() for e in emails if e.strip()))


def create_destination(
    *,
    organization: Organization,
    name: str,
    kind: str,
    emails: Sequence[str] = (),
    url: str = "",
) -> Destination:
    emails, url = _clean_emails(emails), url.strip()
    errors = _name_errors(name) + _destination_errors(kind, emails, url)
    if errors:
        raise AlertsInvalid(errors)
    return Destination.objects.create(
        organization=organization,
        name=name.strip(),
        kind=kind,
        emails=emails if kind == DestinationKind.EMAIL else [],
        url="" if kind == DestinationKind.EMAIL else url,
    )


def set_destination_enabled(*, destination: Destination, enabled: bool) -> Destination:
    """A disabled destination gets no new deliveries; those queued still go."""
    destination.enabled = enabled
    destination.save(update_fields=["enabled", "updated_at"])
    return destination


def delete_destination(*, destination: Destination) -> None:
    """Deletes it with its deliveries, sent or not."""
    destination.delete()


def retry_delivery(*, delivery: Delivery, now: Any) -> bool:
    """A failed delivery is tried again now, with a fresh 24 hours of retries; same key."""
    return bool(
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, next_attempt_at=now, queued_at=now, lease_until=None
        )
    )
