"""What the privacy commands share: the organization by slug, the actor of a command."""

from __future__ import annotations

import getpass

from django.core.management.base import CommandError

from earful.accounts.models import Organization
from earful.privacy.services import Actor


def organization_by_slug(slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise CommandError(f"--org: no organization with slug '{slug}'")
    return organization


def command_actor() -> Actor:
    """The person at the terminal, as the audit log names them: cli:<login>."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(label=f"cli:{user}")
