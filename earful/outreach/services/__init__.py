"""Writes for outreach, one module per sub-feature:

deciding       the contact budget applied to new invitations (shared by inviting and triggers)
inviting       invite customers by external id or segment
sending        the outbox: claim, send, retry, re-queue, cancel
answers        opened and answered invitations (the answer signal, and the sweep's safety net)
reminders      the one reminder
triggers       journeys: invitations N hours after a customer event
unsubscribing  the unsubscribe link
configuring    per-survey sending settings
sweep          the periodic run of all of the above

Every decision (queued or skipped, with its reason) is a ContactDecision row. Messages are
OutboundMessage rows (the outbox).
"""

from earful.outreach.services.answers import (
    mark_answered_invitations,
    mark_invitation_answered,
    record_invitation_opened,
)
from earful.outreach.services.configuring import update_contact_policy, update_outreach_settings
from earful.outreach.services.deciding import InviteOutcome
from earful.outreach.services.errors import OutreachInvalid
from earful.outreach.services.inviting import invite_customers
from earful.outreach.services.reminders import schedule_reminders
from earful.outreach.services.sending import (
    LEASE,
    MAX_ATTEMPTS,
    enqueue_due_messages,
    requeue_stale_messages,
    send_outbound_message,
)
from earful.outreach.services.sweep import SweepReport, sweep_outreach
from earful.outreach.services.triggers import (
    TRIGGER_MAX_LATE,
    add_survey_trigger,
    run_journey_triggers,
)
from earful.outreach.services.unsubscribing import unsubscribe_by_invitation

__all__ = [
    "LEASE",
    "MAX_ATTEMPTS",
    "TRIGGER_MAX_LATE",
    "InviteOutcome",
    "OutreachInvalid",
    "SweepReport",
    "add_survey_trigger",
    "enqueue_due_messages",
    "invite_customers",
    "mark_answered_invitations",
    "mark_invitation_answered",
    "record_invitation_opened",
    "requeue_stale_messages",
    "run_journey_triggers",
    "schedule_reminders",
    "send_outbound_message",
    "sweep_outreach",
    "unsubscribe_by_invitation",
    "update_contact_policy",
    "update_outreach_settings",
]
