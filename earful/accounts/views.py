from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from earful.accounts import selectors, services, signin
from earful.accounts.access import member_required
from earful.accounts.forms import MemberForm, RoleForm, TokenForm
from earful.accounts.models import ApiToken, LoginAttempt
from earful.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from earful.core.ratelimit import client_address

Outcome = LoginAttempt.Outcome


class LoginView(auth_views.LoginView):
    """Django's sign-in, behind the lock-out of accounts/signin.py: while locked, the page
    answers 429 without checking the password (the right one does not sign in either)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email, address = request.POST.get("username", ""), client_address(request)
        wait = signin.lockout_seconds(email=email, address=address)
        if wait:
            signin.record_sign_in(email=email, address=address, outcome=Outcome.LOCKED)
            form = self.get_form()
            context = self.get_context_data(form=form, locked_minutes=signin.minutes(wait))
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        self._record(Outcome.SUCCEEDED)
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        self._record(Outcome.FAILED)
        return super().form_invalid(form)

    def _record(self, outcome: str) -> None:
        email = self.request.POST.get("username", "")
        address = client_address(self.request)
        signin.record_sign_in(email=email, address=address, outcome=outcome)


class LogoutView(auth_views.LogoutView):
    pass


@member_required(Permission.MANAGE_TOKENS)
def token_list(request: HttpRequest) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    new_raw = None
    form = TokenForm(request.POST) if request.method == "POST" else TokenForm()
    if form.is_bound and form.is_valid():
        try:
            new_raw = services.create_api_token(member=member, **_token_fields(form)).raw
            form = TokenForm()
        except ValueError as exc:
            field, _, message = str(exc).partition(": ")
            form.add_error("expires_on" if field == "expires_at" else None, message)
    context = {"form": form, "tokens": selectors.list_tokens(member), "new_raw": new_raw}
    return render(request, "accounts/tokens.html", context)


def _token_fields(form: TokenForm) -> dict[str, Any]:
    """The form's fields as create_api_token takes them: expiry at the end of that day, UTC."""
    day = form.cleaned_data.get("expires_on")
    expires_at = datetime.combine(day, time.max, tzinfo=UTC) if day else None
    return {
        "name": form.cleaned_data["name"],
        "scope": form.cleaned_data["scope"] or "write",
        "expires_at": expires_at,
    }


@require_POST
@member_required(Permission.MANAGE_TOKENS)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, member=request.member)  # type: ignore[attr-defined]
    services.revoke_api_token(token=token)
    return redirect("accounts:tokens")


@member_required(Permission.VIEW_DASHBOARDS)
def roles(request: HttpRequest) -> HttpResponse:
    rows = [(role.label, [p in ROLE_PERMISSIONS[role] for p in Permission]) for role in Role]
    return render(request, "accounts/roles.html", {"permissions": Permission, "rows": rows})


@member_required(Permission.MANAGE_MEMBERS)
def member_list(request: HttpRequest) -> HttpResponse:
    actor = request.member  # type: ignore[attr-defined]
    form = MemberForm(request.POST) if request.method == "POST" else MemberForm()
    invited, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.invite_member(actor=actor, **form.cleaned_data)
            form = MemberForm()
        except services.MemberChangeRefused as exc:
            form.add_error("role", str(exc).removeprefix("role: "))
    if form.errors:
        status = 422
    context = {
        "form": form,
        "members": selectors.list_members(actor),
        "roles": Role.choices,
        "invited": invited,
    }
    return render(request, "accounts/members.html", context, status=status)


@require_POST
@member_required(Permission.MANAGE_MEMBERS)
def member_role(request: HttpRequest, member_id: int) -> HttpResponse:
    actor = request.member  # type: ignore[attr-defined]
    member = selectors.access_member(actor, member_id)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise services.MemberChangeRefused("role: choose one of the roles")
        services.change_role(actor=actor, member=member, role=form.cleaned_data["role"])
    except services.MemberChangeRefused as exc:
        messages.error(request, str(exc).removeprefix("role: "))
    return redirect("accounts:members")


@require_POST
@member_required(Permission.MANAGE_MEMBERS)
def member_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    actor = request.member  # type: ignore[attr-defined]
    member = selectors.access_member(actor, member_id)
    try:
        services.remove_member(actor=actor, member=member)
    except services.MemberChangeRefused as exc:
        messages.error(request, str(exc).removeprefix("role: "))
    return redirect("accounts:members")
