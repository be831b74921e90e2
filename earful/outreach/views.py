"""The outreach pages (overview, a survey's invitations) and the links in invitation emails."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from earful.accounts.access import member_required, require
from earful.accounts.roles import Permission
from earful.core.charts import Bar, stacked_share_bar
from earful.outreach import selectors, services
from earful.outreach.forms import InviteForm
from earful.outreach.mail import survey_link
from earful.outreach.models import InvitationStatus
from earful.surveys.models import Survey
from earful.surveys.selectors import access_survey

PAGE_SIZE = 100
_COLORS = {
    InvitationStatus.ANSWERED: "#1a7f37",
    InvitationStatus.OPENED: "#0b5cad",
    InvitationStatus.SENT: "#6c8ebf",
    InvitationStatus.SCHEDULED: "#9aa5b1",
    InvitationStatus.FAILED: "#b42318",
}


def outcome_chart(row: selectors.SurveyOutreach) -> SafeString:
    """Where each invitation decision ended: answered, opened, sent, scheduled, failed, skipped.
    A hidden trustee answer count is folded into 'opened or answered', a hidden trustee opened
    count into 'sent'."""
    counts = dict(row.by_status)
    opened_label = "opened"
    if row.survey.is_trustee and row.opened_shown is None:
        for status in (InvitationStatus.OPENED, InvitationStatus.ANSWERED):
            counts[InvitationStatus.SENT] = counts.get(InvitationStatus.SENT, 0) + counts.pop(
                status, 0
            )
    elif row.answered is None:
        counts[InvitationStatus.OPENED] = counts.get(InvitationStatus.OPENED, 0) + counts.pop(
            InvitationStatus.ANSWERED, 0
        )
        opened_label = "opened or answered"
    parts = [
        Bar(opened_label if status == InvitationStatus.OPENED else status.label.lower(), n, color)
        for status, color in _COLORS.items()
        if (n := counts.get(status, 0))
    ]
    skipped = sum(n for _, n in row.skipped_invitations)
    if skipped:
        parts.append(Bar("skipped", skipped, "#d5dae1"))
    return stacked_share_bar(parts, title=f"Invitations to {row.survey.title}", height=28)


@member_required(Permission.VIEW_CUSTOMERS)
def outreach_overview(request: HttpRequest) -> HttpResponse:
    """Every survey's invitations: sent, opened, answered, skipped by reason."""
    rows = selectors.outreach_overview(request.member.organization)  # type: ignore[attr-defined]
    charted = [(row, outcome_chart(row)) for row in rows]
    return render(request, "outreach/overview.html", {"rows": charted})


def _invite(survey: Survey, form: InviteForm) -> list[services.InviteOutcome] | None:
    """The outcomes of the form's invitation, or None (errors are added to the form)."""
    if not form.is_valid():
        return None
    try:
        ids = form.external_ids()
        segment = None if ids else form.segment()
        return services.invite_customers(survey=survey, external_ids=ids, segment=segment)
    except services.OutreachInvalid as exc:
        form.add_error(None, str(exc))
        return None


@member_required(Permission.VIEW_CUSTOMERS)
def survey_invitations(request: HttpRequest, survey_id: int) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    survey = access_survey(member, survey_id)
    form, outcomes, status = InviteForm(request.POST or None), None, 200
    if request.method == "POST":
        require(member, Permission.EDIT_SURVEYS)
        outcomes = _invite(survey, form)
        status = 200 if outcomes is not None else 422
    [row] = selectors.outreach_overview(member.organization, survey=survey) or [
        selectors.SurveyOutreach(survey)
    ]
    invitations = selectors.list_invitations(survey)[:PAGE_SIZE]
    context = {
        "survey": survey,
        "form": form,
        "outcomes": outcomes,
        "row": row,
        "chart": outcome_chart(row),
        "invitations": selectors.hide_who_answered(survey, invitations),
    }
    return render(request, "outreach/invitations.html", context, status=status)


@require_GET
def open_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email: records 'opened', then sends the customer to the survey."""
    invitation = selectors.invitation_by_token(token)
    services.record_invitation_opened(invitation=invitation)
    return redirect(survey_link(invitation))


@csrf_exempt  # mail clients POST here for one-click unsubscribe (RFC 8058), with no session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm with one button (link scanners follow every link in an email and
    must not unsubscribe anyone); POST, from that button or the mail client, unsubscribes."""
    invitation = selectors.invitation_by_token(token)
    if request.method == "POST":
        services.unsubscribe_by_invitation(invitation=invitation)
    context = {
        "survey": invitation.survey,
        "organization": invitation.organization,
        "done": request.method == "POST" or invitation.customer.unsubscribed_at is not None,
    }
    return render(request, "outreach/unsubscribe.html", context)
