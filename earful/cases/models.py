"""Cases: follow-ups about one customer (or one anonymous feedback item), with an owner,
targets in business time, an internal note thread and a resolution; commitments: promises to a
named customer, due in the customer's own time zone; the org's business hours, holidays, case
settings; and a small outbox of notifications to members (assigned, breaching, commitment due).

docs/user/cases.md says it for users.
"""

from __future__ import annotations

from datetime import time

from django.db import models

from earful.core.models import OrgScoped, TimeStamped


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


class Status(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting_on_customer", "Waiting on customer"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.REOPENED)
# The clocks run in these; waiting on the customer pauses the resolution clock.
RUNNING_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.REOPENED)


class Cause(models.TextChoices):
    DETRACTOR = "detractor", "Detractor answer"
    NEGATIVE_REVIEW = "negative_review", "Negative review"
    HESITANT = "hesitant", "Hesitant answer"
    THEME_SPIKE = "theme_spike", "Theme spike"
    VIRAL_POST = "viral_post", "Viral post"
    MANUAL = "manual", "Opened by hand"


class Assignment(models.TextChoices):
    ROUND_ROBIN = "round_robin", "Round-robin among agents"
    ACCOUNT_OWNER = "account_owner", "The account's owner (round-robin when none)"


# Business minutes per priority: (first response, resolution).
DEFAULT_TARGETS: dict[str, tuple[int, int]] = {
    Priority.URGENT: (60, 8 * 60),
    Priority.HIGH: (4 * 60, 2 * 8 * 60),
    Priority.NORMAL: (8 * 60, 5 * 8 * 60),
    Priority.LOW: (2 * 8 * 60, 10 * 8 * 60),
}
DEFAULT_CAUSE_PRIORITY: dict[str, str] = {
    Cause.DETRACTOR: Priority.HIGH,
    Cause.NEGATIVE_REVIEW: Priority.HIGH,
    Cause.HESITANT: Priority.NORMAL,
    Cause.THEME_SPIKE: Priority.NORMAL,
    Cause.VIRAL_POST: Priority.URGENT,
    Cause.MANUAL: Priority.NORMAL,
}


class CaseSettings(TimeStamped):
    """One row per organization: its zone (business hours are in it), how cases are assigned,
    who the team lead is, the targets per priority and the priority per cause."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="case_settings"
    )
    timezone = models.CharField(max_length=64, default="UTC")
    assignment = models.CharField(
        max_length=20, choices=Assignment.choices, default=Assignment.ROUND_ROBIN
    )
    team_lead = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    targets = models.JSONField(
        default=dict, blank=True, help_text="priority -> [response minutes, resolution minutes]"
    )
    cause_priority = models.JSONField(default=dict, blank=True, help_text="cause -> priority")
    last_assigned = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Round-robin: the member who got the last case",
    )

    def target_minutes(self, priority: str) -> tuple[int, int]:
        given = self.targets.get(priority)
        return (int(given[0]), int(given[1])) if given else DEFAULT_TARGETS[priority]

    def priority_for(self, cause: str) -> str:
        return str(self.cause_priority.get(cause) or DEFAULT_CAUSE_PRIORITY[cause])


class BusinessHours(OrgScoped):
    """Open from `opens` to `closes` on `weekday` (0 Monday), in the organization's zone. No
    rows: Monday to Friday, 09:00 to 17:00."""

    weekday = models.PositiveSmallIntegerField()
    opens = models.TimeField(default=time(9))
    closes = models.TimeField(default=time(17))

    class Meta:
        verbose_name_plural = "business hours"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "weekday"], name="business_hours_once_a_day"
            )
        ]


class Holiday(OrgScoped):
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="holiday_once_a_date")
        ]


class AgentProfile(TimeStamped):
    """A member's own zone and working hours: reminders land inside them."""

    member = models.OneToOneField(
        "accounts.Member", on_delete=models.CASCADE, related_name="agent_profile"
    )
    timezone = models.CharField(max_length=64, default="UTC")
    work_starts = models.TimeField(default=time(9))
    work_ends = models.TimeField(default=time(17))
    workdays = models.JSONField(default=list, blank=True, help_text="0 Monday; empty: Mon-Fri")
    takes_cases = models.BooleanField(default=True, help_text="In the round-robin")


class AccountOwner(OrgScoped):
    """The member who owns a B2B account: its customers' cases go to them when the org says so."""

    account = models.OneToOneField(
        "customers.Account", on_delete=models.CASCADE, related_name="case_owner"
    )
    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="+")


class RootCause(OrgScoped):
    """The short list of root causes the organization edits."""

    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="root_cause_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Case(OrgScoped):
    """A follow-up. `subject_key` names who or what it is about (customer:<id>, item:<id> for an
    anonymous item, response:<id>, theme:<id>); at most one open case per subject and cause,
    held by a partial unique index, so concurrent alerts never open two."""

    subject_key = models.CharField(max_length=60)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymous = models.BooleanField(
        default=False, help_text="Trustee mode: nobody may see who; reply through Earful only"
    )
    cause = models.CharField(max_length=20, choices=Cause.choices)
    title = models.CharField(max_length=300)
    alert = models.ForeignKey(
        "alerts.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    opened_at = models.DateTimeField()
    respond_by = models.DateTimeField()
    resolve_by = models.DateTimeField(help_text="Moved later by the time spent waiting")
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_minutes = models.IntegerField(
        null=True, blank=True, help_text="Business minutes from opening to the first response"
    )
    waiting_since = models.DateTimeField(null=True, blank=True)
    paused_minutes = models.IntegerField(default=0, help_text="Business minutes spent waiting")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_minutes = models.IntegerField(
        null=True, blank=True, help_text="Business minutes to resolve, waiting left out"
    )
    responded_in_target = models.BooleanField(null=True, blank=True)
    resolved_in_target = models.BooleanField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    response_escalated_at = models.DateTimeField(null=True, blank=True)
    resolution_escalated_at = models.DateTimeField(null=True, blank=True)
    what_was_done = models.TextField(blank=True)
    root_cause = models.ForeignKey(
        RootCause, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "subject_key", "cause"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="one_open_case_per_subject_and_cause",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "status", "respond_by"]),
            models.Index(fields=["organization", "owner", "status"]),
            models.Index(fields=["organization", "opened_at"]),
            models.Index(fields=["organization", "customer"]),
            # The numbers read only this index (no table lookups): halves their time.
            models.Index(
                fields=[
                    "organization",
                    "opened_at",
                    "owner",
                    "first_response_minutes",
                    "resolution_minutes",
                    "resolved_at",
                    "resolved_in_target",
                    "responded_in_target",
                    "reopened_count",
                    "first_response_at",
                ],
                name="case_numbers_covering",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseItem(models.Model):
    """A feedback item the case is about."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_items")
    item = models.ForeignKey("feedback.FeedbackItem", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="case_item_once")]

    def __str__(self) -> str:
        return f"item {self.item_id} in case {self.case_id}"


class NoteKind(models.TextChoices):
    NOTE = "note", "Internal note"
    REPLY = "reply", "Replied to the customer"
    STATUS = "status", "Status change"
    SYSTEM = "system", "Earful"


class CaseNote(models.Model):
    """The internal thread: notes, replies recorded, status changes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=NoteKind.choices, default=NoteKind.NOTE)
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class Outcome(models.TextChoices):
    KEPT_EARLY = "kept_early", "Kept early"
    KEPT = "kept", "Kept"
    MISSED = "missed", "Missed"


class Commitment(OrgScoped):
    """A promise to a named customer. `due_at` is stored in UTC; it was entered in `timezone`
    (the customer's zone when made) and is shown there, with the owner's time beside it."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    what = models.CharField(max_length=300)
    owner = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    timezone = models.CharField(max_length=64)
    reminder_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    missed_reason = models.CharField(max_length=300, blank=True)
    made_by = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["organization", "outcome", "due_at"]),
            models.Index(fields=["organization", "customer"]),
            models.Index(
                fields=["reminder_at"],
                condition=models.Q(reminded_at__isnull=True, outcome=""),
                name="commitment_reminder_due",
            ),
        ]

    def __str__(self) -> str:
        return self.what


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", "Case assigned to you"
    RESPONSE_BREACH = "response_breach", "First response target breached"
    RESOLUTION_BREACH = "resolution_breach", "Resolution target breached"
    COMMITMENT_DUE = "commitment_due", "Commitment due"


class NotificationState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class CaseNotification(OrgScoped):
    """The members' outbox: one email to one member, once per (what, about, whom) by a unique
    key; claimed with a conditional UPDATE, retried with backoff, never lost."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=NotificationState.choices, default=NotificationState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
