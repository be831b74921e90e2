"""Reads for accounts: who is signed in, what a token stands for."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone

from earful.accounts.models import ApiToken, Member, User
from earful.accounts.services import TOKEN_PREFIX, hash_token

_LAST_USED_RESOLUTION = timedelta(minutes=5)


def current_member(user: User | None, organization_id: int | None = None) -> Member | None:
    """The membership a signed-in user acts through: the chosen organization, else the first."""
    if user is None or not user.is_authenticated:
        return None
    memberships = Member.objects.select_related("organization", "user").filter(user=user)
    if organization_id is not None:
        chosen = memberships.filter(organization_id=organization_id).first()
        if chosen is not None:
            return chosen
    return memberships.order_by("id").first()


def active_token(raw: str) -> ApiToken | None:
    """The token for this secret: not revoked, not expired, its user active."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("member__organization", "member__user")
        .filter(digest=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.member.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def member_for_token(raw: str) -> Member | None:
    token = active_token(raw)
    return token.member if token is not None else None


def list_tokens(member: Member) -> list[ApiToken]:
    return list(member.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at"))


def list_members(member: Member) -> list[Member]:
    return list(
        Member.objects.filter(organization_id=member.organization_id)
        .select_related("user")
        .order_by("user__email")
    )


def access_member(member: Member, member_id: int) -> Member:
    """Another member of the same organization, else 404."""
    return get_object_or_404(
        Member.objects.select_related("user", "organization"),
        pk=member_id,
        organization_id=member.organization_id,
    )
