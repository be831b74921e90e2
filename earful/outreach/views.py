"""The survey invitations page, and the tracked link in invitation emails."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from earful.accounts.access import member_required, require
from earful.accounts.roles import Permission
from earful.outreach import selectors, services
from earful.outreach.forms import InviteForm
from earful.outreach.mail import survey_link
from earful.surveys.selectors import access_survey

PAGE_SIZE = 100


@member_required(Permission.VIEW_CUSTOMERS)
def survey_invitations(request: HttpRequest, survey_id: int) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    survey = access_survey(member, survey_id)
    form, outcomes, status = InviteForm(request.POST or None), None, 200
    if request.method == "POST":
        require(member, Permission.EDIT_SURVEYS)
        if form.is_valid():
            try:
                ids = form.external_ids()
                segment = None if ids else form.segment()
                outcomes = services.invite_customers(
                    survey=survey, external_ids=ids, segment=segment
                )
            except services.OutreachInvalid as exc:
                form.add_error(None, str(exc))
        status = 200 if form.is_valid() and outcomes is not None else 422
    context = {
        "survey": survey,
        "form": form,
        "outcomes": outcomes,
        "counts": selectors.invitation_counts(survey),
        "skipped": selectors.skipped_by_reason(survey),
        "invitations": selectors.list_invitations(survey)[:PAGE_SIZE],
    }
    return render(request, "outreach/invitations.html", context, status=status)


@require_GET
def open_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email: records 'opened', then sends the customer to the survey."""
    invitation = selectors.invitation_by_token(token)
    services.record_invitation_opened(invitation=invitation)
    return redirect(survey_link(invitation))
