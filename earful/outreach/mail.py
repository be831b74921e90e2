"""The text of invitation and reminder emails, and the links in them."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage

from earful.outreach.budget import REMINDER
from earful.outreach.models import Invitation, OutboundMessage, SurveyOutreachSettings


def tracked_link(invitation: Invitation) -> str:
    """The link in the email: records 'opened', then redirects to the survey link."""
    return f"{settings.EARFUL_BASE_URL}/i/{invitation.token}/"


def survey_link(invitation: Invitation) -> str:
    """The personal survey link the tracked link redirects to (the public form reads `i`)."""
    return f"/s/{invitation.survey.public_id}/?i={invitation.token}"


def compose_email(message: OutboundMessage, conf: SurveyOutreachSettings) -> EmailMessage:
    invitation = message.invitation
    assert invitation is not None, "survey emails belong to an invitation"
    organization, customer = message.organization.name, message.customer
    reminder = message.kind == REMINDER
    subject = conf.subject or f"{organization} would like your opinion"
    if reminder:
        subject = f"Reminder: {subject}"
    greeting = f"Hello {customer.name}," if customer.name else "Hello,"
    intro = conf.message or (
        f"{organization} would like to hear from you: {invitation.survey.title}. "
        "It takes less than a minute."
    )
    if reminder:
        intro = f"A gentle reminder, in case our first message got buried. {intro}"
    last = "This is our only reminder for this survey.\n" if reminder else ""
    body = f"{greeting}\n\n{intro}\n\n{tracked_link(invitation)}\n\n{last}-- {organization}\n"
    host = urlsplit(settings.EARFUL_BASE_URL).hostname or "earful.local"
    return EmailMessage(
        subject=subject,
        body=body,
        to=[customer.email],
        # The same id on every attempt, so a receiving server can drop a duplicate.
        headers={"Message-ID": f"<outbound-{message.pk}@{host}>"},
    )
