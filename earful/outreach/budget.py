"""The contact budget: may we write to this customer now, and if not, why not. Pure.

A customer's contacts are every outbound message Earful has sent or scheduled to them, on any
channel (invitations and reminders today). Before any rule, a customer who unsubscribed or has
no email address gets nothing. Then three rules, checked in this order:

- recontact: no new invitation to a survey the customer was invited to within its period;
- cooldown: no message within the global cooldown after any message, of any survey. A reminder
  is the tail of its own invitation, so its own survey's messages do not hold it back, but
  another survey's message does;
- cap: at most `cap_messages` messages of any kind (reminders included) in the last
  `cap_window_days`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

INVITATION = "invitation"
REMINDER = "reminder"
# Messages a person asked for this minute (an email confirmation): sent, never budgeted.
TRANSACTIONAL_KINDS = ("confirmation",)


@dataclass(frozen=True)
class Budget:
    cooldown_days: int = 7
    cap_messages: int = 4
    cap_window_days: int = 30

    @property
    def look_back(self) -> timedelta:
        return timedelta(days=max(self.cooldown_days, self.cap_window_days))


@dataclass(frozen=True)
class Contact:
    """One message to the customer: when it was (or will be) sent, for which survey."""

    at: datetime
    kind: str
    survey_id: int | None = None
    survey_title: str = ""


@dataclass(frozen=True)
class Refusal:
    code: str  # unsubscribed | no_email | recontact | cooldown | cap | unknown_customer
    text: str


UNSUBSCRIBED = Refusal("unsubscribed", "unsubscribed")
NO_EMAIL = Refusal("no_email", "no email address")
UNKNOWN_CUSTOMER = Refusal("unknown_customer", "unknown customer")


def reachability_refusal(*, email: str, unsubscribed: bool) -> Refusal | None:
    """None when the customer may get email at all, else why not."""
    if unsubscribed:
        return UNSUBSCRIBED
    if not email:
        return NO_EMAIL
    return None


def _ago(now: datetime, at: datetime) -> str:
    days = (now - at).days
    if at > now:
        return f"scheduled for {at:%Y-%m-%d}"
    if days == 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def _recontact(
    history: Sequence[Contact], survey_id: int, days: int, now: datetime
) -> Refusal | None:
    for c in history:
        if c.kind == INVITATION and c.survey_id == survey_id:
            if c.at > now - timedelta(days=days):
                return Refusal(
                    "recontact",
                    f"recontact: invited to this survey {_ago(now, c.at)} "
                    f"({days}-day recontact period)",
                )
            return None
    return None


def _cooldown(history: Sequence[Contact], budget: Budget, now: datetime) -> Refusal | None:
    cooldown_start = now - timedelta(days=budget.cooldown_days)
    for c in history:
        if c.at > cooldown_start:
            by = f" by survey {c.survey_title}" if c.survey_title else ""
            return Refusal(
                "cooldown",
                f"cooldown: contacted {_ago(now, c.at)}{by} "
                f"(global cooldown {budget.cooldown_days} days)",
            )
    return None


def budget_refusal(
    *,
    contacts: Iterable[Contact],
    survey_id: int,
    recontact_days: int,
    budget: Budget,
    now: datetime,
    kind: str = INVITATION,
) -> Refusal | None:
    """None when a message of `kind` for the survey fits the budget now, else the reason."""
    history = sorted(contacts, key=lambda c: c.at, reverse=True)
    refusal = None
    if kind == INVITATION:
        refusal = _recontact(history, survey_id, recontact_days, now)
        refusal = refusal or _cooldown(history, budget, now)
    else:  # a reminder: only other surveys' messages start a cooldown for it
        refusal = _cooldown([c for c in history if c.survey_id != survey_id], budget, now)
    if refusal:
        return refusal
    window_start = now - timedelta(days=budget.cap_window_days)
    recent = sum(1 for c in history if c.at > window_start)
    if recent >= budget.cap_messages:
        return Refusal("cap", f"cap: {recent} messages in the last {budget.cap_window_days} days")
    return None
