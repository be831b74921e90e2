"""Sign-ins, sign-outs and failed sign-ins go into the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from earful.accounts.models import Member, Organization
from earful.privacy.services import Actor, record_audit


def _address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _memberships(user: Any) -> list[Member]:
    return list(Member.objects.filter(user=user).select_related("organization", "user"))


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    for member in _memberships(user):
        actor = Actor(member=member, address=_address(request))
        record_audit(organization=member.organization, actor=actor, action="login")


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    for member in _memberships(user):
        actor = Actor(member=member, address=_address(request))
        record_audit(organization=member.organization, actor=actor, action="logout")


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A failed sign-in names the e-mail tried (never the password); the organization is the
    one that e-mail belongs to, when it belongs to one."""
    tried = str(credentials.get("username") or credentials.get("email") or "")[:254]
    members = Member.objects.filter(user__email__iexact=tried).select_related("organization")
    organizations: list[Organization | None] = [m.organization for m in members] or [None]
    for organization in organizations:
        actor = Actor(label=tried, address=_address(request))
        record_audit(organization=organization, actor=actor, action="login.failed")
