"""The text of invitation and reminder emails, and the links in them."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage

from earful.core.signing import sign_respondent_ref
from earful.outreach.budget import REMINDER
from earful.outreach.models import Invitation, OutboundMessage, SurveyOutreachSettings


def tracked_link(invitation: Invitation) -> str:
    """The link in the email: records 'opened', then redirects to the survey link."""
    return f"{settings.EARFUL_BASE_URL}/i/{invitation.token}/"


def unsubscribe_link(invitation: Invitation) -> str:
    """One click away from no more messages (and the target of List-Unsubscribe)."""
    return f"{settings.EARFUL_BASE_URL}/i/{invitation.token}/unsubscribe/"


def survey_link(invitation: Invitation) -> str:
    """The personal survey link the tracked link redirects to: the public form turns the signed
    `ref` into the customer and the invitation, so the answer is linked to both."""
    ref = sign_respondent_ref(
        survey_id=invitation.survey_id,
        customer_id=invitation.customer_id,
        invitation_id=invitation.pk,
    )
    return f"/s/{invitation.survey.public_id}/?{urlencode({'ref': ref})}"


def _body(message: OutboundMessage, conf: SurveyOutreachSettings) -> str:
    invitation = message.invitation
    assert invitation is not None, "survey emails belong to an invitation"
    organization, customer = message.organization.name, message.customer
    reminder = message.kind == REMINDER
    greeting = f"Hello {customer.name}," if customer.name else "Hello,"
    intro = conf.message or (
        f"{organization} would like to hear from you: {invitation.survey.title}. "
        "It takes less than a minute."
    )
    if reminder:
        intro = f"A gentle reminder, in case our first message got buried. {intro}"
    last = "This is our only reminder for this survey.\n" if reminder else ""
    return (
        f"{greeting}\n\n{intro}\n\n{tracked_link(invitation)}\n\n{last}-- {organization}\n\n"
        f"No more messages from {organization}: {unsubscribe_link(invitation)}\n"
    )


def compose_email(message: OutboundMessage, conf: SurveyOutreachSettings) -> EmailMessage:
    invitation = message.invitation
    assert invitation is not None, "survey emails belong to an invitation"
    subject = conf.subject or f"{message.organization.name} would like your opinion"
    if message.kind == REMINDER:
        subject = f"Reminder: {subject}"
    host = urlsplit(settings.EARFUL_BASE_URL).hostname or "earful.local"
    return EmailMessage(
        subject=subject,
        body=_body(message, conf),
        to=[message.customer.email],
        headers={
            # The same id on every attempt, so a receiving server can drop a duplicate.
            "Message-ID": f"<outbound-{message.pk}@{host}>",
            # RFC 8058 one-click unsubscribe: the mail client POSTs to the link.
            "List-Unsubscribe": f"<{unsubscribe_link(invitation)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def compose_written_email(message: OutboundMessage) -> EmailMessage:
    """A message that carries its own text (a release note, a confirmation link)."""
    host = urlsplit(settings.EARFUL_BASE_URL).hostname or "earful.local"
    headers = {"Message-ID": f"<outbound-{message.pk}@{host}>"}
    if message.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return EmailMessage(
        subject=message.subject, body=message.body, to=[message.customer.email], headers=headers
    )
