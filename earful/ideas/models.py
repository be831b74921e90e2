"""The ideas board: ideas, votes, follows, comments, links to other voices, release notes,
public results pages and verifiable prize draws. See docs/user/ideas.md."""

from __future__ import annotations

import secrets

from django.db import models

from earful.core.models import OrgScoped, TimeStamped


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


class Status(models.TextChoices):
    OPEN = "open", "Open"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"
    DECLINED = "declined", "Declined"
    DUPLICATE = "duplicate", "Duplicate"


ROADMAP = (Status.PLANNED, Status.IN_PROGRESS, Status.SHIPPED)


class Board(TimeStamped):
    """One organization's board settings."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="idea_board"
    )
    intro = models.TextField(blank=True)
    value_attribute = models.CharField(
        max_length=60,
        blank=True,
        help_text="A customer attribute (e.g. mrr) that weighs each asker in an idea's demand",
    )
    vectors_version = models.PositiveBigIntegerField(
        default=0, help_text="Bumped when the ideas the similar lookup compares with change"
    )

    def __str__(self) -> str:
        return f"board of {self.organization_id}"


class Idea(OrgScoped):
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    author = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    staff_response = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False, help_text="Moderated away from the board")
    locked = models.BooleanField(default=False, help_text="No more votes or comments")
    spam = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    feedback_item = models.OneToOneField(
        "feedback.FeedbackItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea",
    )
    vote_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    demand = models.FloatField(default=0, help_text="Askers (voters + linked voices), weighted")
    search_text = models.CharField(
        max_length=400, blank=True, help_text="Folded title words: the full-text fallback"
    )
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "status", "vote_count"]),
            models.Index(fields=["organization", "hidden", "spam"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def public(self) -> bool:
        return not (self.hidden or self.spam or self.merged_into_id)


class IdeaVector(models.Model):
    """The idea's title as a unit float32 vector (all-MiniLM-L6-v2): similar ideas read these.
    A row of its own, so lists of ideas never carry 1.5 kB of vector per idea."""

    idea = models.OneToOneField(
        Idea, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    vector = models.BinaryField()

    def __str__(self) -> str:
        return f"vector of {self.idea_id}"


class Vote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "customer"], name="one_vote_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} for {self.idea_id}"


class Follow(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "customer"], name="one_follow_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} follows {self.idea_id}"


class Comment(OrgScoped):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    hidden = models.BooleanField(default=False)
    feedback_item = models.OneToOneField(
        "feedback.FeedbackItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea_comment",
    )

    def __str__(self) -> str:
        return self.text[:60]


class IdeaLink(OrgScoped):
    """A survey comment, ticket or review that asked for the idea."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="links")
    item = models.ForeignKey("feedback.FeedbackItem", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_suggestion = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "item"], name="one_link_per_item_and_idea")
        ]

    def __str__(self) -> str:
        return f"item {self.item_id} -> idea {self.idea_id}"


class EmailConfirmation(OrgScoped):
    """A one-time link that proves a board visitor owns an email address."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True, help_text="sha256 of the token")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"confirmation for {self.customer_id}"


class ReleaseNote(OrgScoped):
    """ "You said, we did": written once when an idea ships, sent to everyone who asked."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="release_note")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    translations = models.JSONField(
        default=dict, blank=True, help_text='{"fr": {"subject": "...", "body": "..."}}'
    )
    written_by = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.subject


class Asked(models.TextChoices):
    AUTHOR = "author", "Posted the idea"
    VOTER = "voter", "Voted"
    FOLLOWER = "follower", "Followed"
    LINKED = "linked", "Asked in a survey, ticket or review"


class DeliveryState(models.TextChoices):
    QUEUED = "queued", "Queued in the outbox"
    DEFERRED = "deferred", "Waiting for the digest (contact budget)"
    SKIPPED = "skipped", "Not sent"
    DIGESTED = "digested", "Sent in a digest"


class ReleaseDelivery(OrgScoped):
    """One recipient of one release note: each customer once, with why they asked and what
    happened (queued, or skipped with the contact budget's reason)."""

    note = models.ForeignKey(ReleaseNote, on_delete=models.CASCADE, related_name="deliveries")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    asked = models.CharField(max_length=10, choices=Asked.choices)
    state = models.CharField(max_length=10, choices=DeliveryState.choices)
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    message = models.ForeignKey(
        "outreach.OutboundMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "customer"], name="one_delivery_per_person")
        ]
        indexes = [models.Index(fields=["organization", "state"])]

    def __str__(self) -> str:
        return f"{self.note_id} -> {self.customer_id} ({self.state})"


class ResultsPage(OrgScoped):
    """A survey's public results at /r/<public_id>/, fields chosen by the organization."""

    survey = models.OneToOneField(
        "surveys.Survey", on_delete=models.CASCADE, related_name="results_page"
    )
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    published = models.BooleanField(default=False)
    show_score = models.BooleanField(default=True)
    show_tiers = models.BooleanField(default=True)
    show_themes = models.BooleanField(default=True)
    changes = models.TextField(blank=True, help_text="What we're changing")

    def __str__(self) -> str:
        return f"results of {self.survey_id}"


class DrawState(models.TextChoices):
    OPEN = "open", "Taking entries"
    COMMITTED = "committed", "Entries and seed committed"
    DRAWN = "drawn", "Drawn"


class PrizeDraw(OrgScoped):
    """A verifiable draw among a survey's prize-draw entries (surveys.PrizeDrawEntry)."""

    survey = models.OneToOneField(
        "surveys.Survey", on_delete=models.CASCADE, related_name="verifiable_draw"
    )
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    prize = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=DrawState.choices, default=DrawState.OPEN)
    salt = models.CharField(max_length=64)
    seed = models.CharField(max_length=64, help_text="Secret until the draw")
    seed_commitment = models.CharField(max_length=64, help_text="sha256 of the seed")
    beacon_name = models.CharField(
        max_length=300, help_text="The future public value named in advance"
    )
    beacon_value = models.CharField(max_length=300, blank=True)
    entry_hashes = models.JSONField(default=list, help_text="Sorted, published at the commit")
    entries_digest = models.CharField(max_length=64, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    final_seed = models.CharField(max_length=64, blank=True)
    winner_hash = models.CharField(max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"draw of {self.survey_id} ({self.state})"
