"""Writes: the audit log, exports recorded, a customer's data exported or erased."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from earful.accounts.models import Member, Organization
from earful.customers.models import Customer
from earful.privacy import erasure
from earful.privacy.models import AuditEvent, Erasure
from earful.privacy.selectors import customer_data, summary_lines
from earful.webhooks.services import publish_customer_erased

SECRET_WORDS = ("password", "token", "secret", "signature", "csrf")
MAX_VALUE = 200


@dataclass(frozen=True)
class Actor:
    """Who did it: a member (page or token), or a name for the CLI ("cli:root")."""

    member: Member | None = None
    label: str = ""
    token_id: int | None = None
    address: str | None = None

    @property
    def name(self) -> str:
        if self.member is not None:
            return self.member.user.email
        return self.label


def safe_details(values: dict[str, Any]) -> dict[str, Any]:
    """What was sent, without secrets and with long values cut: the audit log's `details`."""
    kept: dict[str, Any] = {}
    for key, value in list(values.items())[:50]:
        if any(word in key.lower() for word in SECRET_WORDS):
            kept[key] = "(hidden)"
        elif isinstance(value, str | int | float | bool) or value is None:
            kept[key] = value[:MAX_VALUE] if isinstance(value, str) else value
        else:
            kept[key] = str(value)[:MAX_VALUE]
    return kept


def record_audit(
    *,
    organization: Organization | None,
    actor: Actor,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    method: str = "",
    path: str = "",
    status: int | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor.member.user if actor.member is not None else None,
        actor_label=actor.name[:254],
        token_id=actor.token_id,
        action=action[:80],
        target=target[:200],
        method=method[:8],
        path=path[:300],
        status=status,
        address=actor.address,
        details=safe_details(details or {}),
    )


def record_export(
    *, organization: Organization, actor: Actor, what: str, target: str = "", format: str = ""
) -> AuditEvent:
    return record_audit(
        organization=organization,
        actor=actor,
        action=f"export.{what}",
        target=target,
        details={"format": format},
    )


def export_customer_data(*, customer: Customer, actor: Actor) -> dict[str, Any]:
    """Everything held about the customer, with a readable summary; the export is audited."""
    data = customer_data(customer)
    record_audit(
        organization=customer.organization,
        actor=actor,
        action="export.customer",
        target=f"customer:{customer.pk}",
    )
    return {"summary": summary_lines(data), **data}


def erase_customer(*, customer: Customer, actor: Actor) -> Erasure:
    """Erases the customer everywhere (privacy/erasure.py) and records that it happened."""
    organization, number = customer.organization, customer.pk
    rows = erasure.erase(customer)
    record = Erasure.objects.create(
        organization=organization, by_label=actor.name, customer_number=number, rows=rows
    )
    publish_customer_erased(organization_id=organization.pk, customer_number=number)
    record_audit(
        organization=organization,
        actor=actor,
        action="customer.erased",
        target=f"customer:{number}",
        details={"tables": len(rows), "rows": sum(rows.values())},
    )
    return record


def prune_audit(*, days: int) -> int:
    """Deletes audit events older than `days` (the retention setting); returns how many."""
    cutoff = timezone.now() - timedelta(days=days)
    return AuditEvent.objects.filter(at__lt=cutoff).delete()[0]


def prune_expired_audit() -> int:
    """The worker's daily sweep: events older than EARFUL_AUDIT_RETENTION_DAYS go, and each
    organization's retention period removes customers' words older than it."""
    from earful.core import env
    from earful.privacy.retention import apply_retention

    apply_retention()
    return prune_audit(days=env.get_int("EARFUL_AUDIT_RETENTION_DAYS", 365, minimum=1))
