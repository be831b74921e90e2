"""Writes for organizations, members and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from earful.accounts.models import ApiToken, Member, Organization, User
from earful.accounts.roles import Role

TOKEN_PREFIX = "ea_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once, never stored


@dataclass(frozen=True)
class NewOrganization:
    organization: Organization
    owner: Member
    password: str | None  # set only when the owner's user was created now
    api_token: NewToken


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


TOKEN_SCOPES = ("write", "read")


def create_api_token(
    *, member: Member, name: str, scope: str = "write", expires_at: datetime | None = None
) -> NewToken:
    """A new token (its secret is in the result, once). `scope` "read": GET only."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("name: 1 to 100 characters")
    if scope not in TOKEN_SCOPES:
        raise ValueError(f"scope: one of {', '.join(TOKEN_SCOPES)}")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValueError("expires_at: must be in the future")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        member=member,
        name=name,
        prefix=raw[:10],
        digest=hash_token(raw),
        scope=scope,
        expires_at=expires_at,
    )
    return NewToken(token=token, raw=raw)


def revoke_api_token(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def _clean_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(f"email: '{email}' is not an email address") from None
    return email


def _clean_slug(slug: str) -> str:
    max_length = Organization._meta.get_field("slug").max_length or 60
    try:
        validate_slug(slug)
    except ValidationError:
        raise ValueError(
            f"slug: '{slug}' may only have letters, digits, hyphens and underscores"
        ) from None
    if len(slug) > max_length:
        raise ValueError(f"slug: at most {max_length} characters")
    if Organization.objects.filter(slug=slug).exists():
        raise ValueError(f"slug: '{slug}' is taken")
    return slug


def add_member(*, organization: Organization, email: str, role: str) -> tuple[Member, str | None]:
    """Adds (or re-roles) a member. Returns the member and a password if the user is new."""
    if role not in Role.values:
        raise ValueError(f"role: must be one of {', '.join(Role.values)}")
    email = _clean_email(email)
    user = User.objects.filter(email=email).first()
    password = None
    if user is None:
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(email=email, password=password)
    member, _ = Member.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    return member, password


@transaction.atomic
def create_organization(*, name: str, owner_email: str, slug: str = "") -> NewOrganization:
    name = name.strip()
    if not name:
        raise ValueError("name: required")
    slug = _clean_slug(slug.strip()) if slug.strip() else _unique_slug(name)
    organization = Organization.objects.create(name=name, slug=slug)
    owner, password = add_member(organization=organization, email=owner_email, role=Role.OWNER)
    token = create_api_token(member=owner, name="created with the organization")
    return NewOrganization(organization, owner, password, token)


def set_password(*, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])


class MemberChangeRefused(ValueError):
    pass


def _check_role_change(*, actor: Member, member: Member, new_role: str | None) -> None:
    """Only owners grant or take away ownership; an organization always keeps one owner."""
    touches_owner = Role.OWNER in (member.role, new_role)
    if touches_owner and actor.role != Role.OWNER:
        raise MemberChangeRefused("role: only an owner can add or remove owners")
    if member.role == Role.OWNER and new_role != Role.OWNER:
        owners = Member.objects.filter(organization_id=member.organization_id, role=Role.OWNER)
        if owners.count() == 1:
            raise MemberChangeRefused("role: the organization must keep at least one owner")


def invite_member(*, actor: Member, email: str, role: str) -> tuple[Member, str | None]:
    """Adds someone to the actor's organization. Returns the member and a new user's password."""
    if role not in Role.values:
        raise MemberChangeRefused(f"role: must be one of {', '.join(Role.values)}")
    existing = Member.objects.filter(
        organization_id=actor.organization_id, user__email=email.strip().lower()
    ).first()
    if existing is not None:
        _check_role_change(actor=actor, member=existing, new_role=role)
    elif role == Role.OWNER and actor.role != Role.OWNER:
        raise MemberChangeRefused("role: only an owner can add or remove owners")
    return add_member(organization=actor.organization, email=email, role=role)


def change_role(*, actor: Member, member: Member, role: str) -> Member:
    if role not in Role.values:
        raise MemberChangeRefused(f"role: must be one of {', '.join(Role.values)}")
    _check_role_change(actor=actor, member=member, new_role=role)
    member.role = role
    member.save(update_fields=["role", "updated_at"])
    return member


def remove_member(*, actor: Member, member: Member) -> None:
    _check_role_change(actor=actor, member=member, new_role=None)
    member.delete()
