"""Members, roles and API tokens in the API: what the Members and API tokens pages do."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from earful.accounts import selectors, services
from earful.accounts.access import api_member
from earful.accounts.models import ApiToken, Member
from earful.accounts.roles import Permission
from earful.accounts.schemas import (
    MemberIn,
    MemberInvitedOut,
    MemberOut,
    RoleIn,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from earful.core.api_errors import ApiInvalid, ErrorOut

members_router = Router(tags=["members"])
tokens_router = Router(tags=["tokens"])


def _refused(exc: ValueError) -> ApiInvalid:
    field, _, message = str(exc).partition(": ")
    return ApiInvalid([(field, message or str(exc))])


@members_router.get("", response=list[MemberOut])
def list_members(request: HttpRequest) -> list[Member]:
    return selectors.list_members(api_member(request, Permission.MANAGE_MEMBERS))


@members_router.post("", response={201: MemberInvitedOut, 422: ErrorOut})
def invite_member(request: HttpRequest, payload: MemberIn) -> tuple[int, dict]:
    """Adds someone by e-mail with a role (a new user's first password is in the answer)."""
    actor = api_member(request, Permission.MANAGE_MEMBERS)
    try:
        member, password = services.invite_member(actor=actor, **payload.dict())
    except ValueError as exc:
        raise _refused(exc) from exc
    body = {"id": member.pk, "email": member.user.email, "role": member.role}
    return 201, {**body, "password": password}


@members_router.patch("/{member_id}", response={200: MemberOut, 404: ErrorOut, 422: ErrorOut})
def change_role(request: HttpRequest, member_id: int, payload: RoleIn) -> Member:
    actor = api_member(request, Permission.MANAGE_MEMBERS)
    member = selectors.access_member(actor, member_id)
    try:
        return services.change_role(actor=actor, member=member, role=payload.role)
    except ValueError as exc:
        raise _refused(exc) from exc


@members_router.delete("/{member_id}", response={204: None, 404: ErrorOut, 422: ErrorOut})
def remove_member(request: HttpRequest, member_id: int) -> tuple[int, None]:
    actor = api_member(request, Permission.MANAGE_MEMBERS)
    member = selectors.access_member(actor, member_id)
    try:
        services.remove_member(actor=actor, member=member)
    except ValueError as exc:
        raise _refused(exc) from exc
    return 204, None


@tokens_router.get("", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    """The calling member's own tokens that still work."""
    return selectors.list_tokens(api_member(request, Permission.MANAGE_TOKENS))


@tokens_router.post("", response={201: TokenCreatedOut, 422: ErrorOut})
def create_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict]:
    """A new token for the calling member: read-write or read-only, with an optional expiry."""
    member = api_member(request, Permission.MANAGE_TOKENS)
    try:
        new = services.create_api_token(member=member, **payload.dict())
    except ValueError as exc:
        raise _refused(exc) from exc
    return 201, {**TokenOut.from_orm(new.token).dict(), "token": new.raw}


@tokens_router.delete("/{token_id}", response={204: None, 404: ErrorOut})
def revoke_token(request: HttpRequest, token_id: int) -> tuple[int, None]:
    member = api_member(request, Permission.MANAGE_TOKENS)
    token = get_object_or_404(ApiToken, pk=token_id, member=member, revoked_at__isnull=True)
    services.revoke_api_token(token=token)
    return 204, None
