"""Case services (writes): opening, working, commitments, the calendar and settings, the
members' outbox and the sweep."""

from earful.cases.services.calendars import (
    add_holiday,
    business_calendar,
    owner_calendar,
    set_agent_profile,
    set_business_hours,
    settings_of,
    update_case_settings,
)
from earful.cases.services.commitments import make_commitment, record_outcome, reminder_time
from earful.cases.services.errors import CasesInvalid
from earful.cases.services.notifying import deliver_due_notifications, send_notification
from earful.cases.services.opening import (
    open_case,
    open_case_by_hand,
    open_cases_for_alerts,
    subject_of,
)
from earful.cases.services.sweeping import SweepReport, escalate_breaches, sweep_cases
from earful.cases.services.working import (
    add_note,
    add_root_cause,
    assign_case,
    change_status,
    retire_root_cause,
    set_priority,
)

__all__ = [
    "CasesInvalid",
    "SweepReport",
    "add_holiday",
    "add_note",
    "add_root_cause",
    "assign_case",
    "business_calendar",
    "change_status",
    "deliver_due_notifications",
    "escalate_breaches",
    "make_commitment",
    "open_case",
    "open_case_by_hand",
    "open_cases_for_alerts",
    "owner_calendar",
    "record_outcome",
    "reminder_time",
    "retire_root_cause",
    "send_notification",
    "set_agent_profile",
    "set_business_hours",
    "set_priority",
    "settings_of",
    "subject_of",
    "sweep_cases",
    "update_case_settings",
]
