from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class MemberOut(Schema):
    id: int
    email: str = Field(alias="user.email")
    role: str


class MemberIn(Schema):
    email: str = Field(max_length=254)
    role: str = Field(max_length=20)


class MemberInvitedOut(Schema):
    id: int
    email: str
    role: str
    password: str | None = Field(description="A new user's first password, shown once")


class RoleIn(Schema):
    role: str = Field(max_length=20)


class TokenIn(Schema):
    name: str = Field(max_length=100)
    scope: Literal["write", "read"] = "write"
    expires_at: datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret, shown once: Authorization: Bearer <token>")
