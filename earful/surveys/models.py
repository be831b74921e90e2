from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from earful.core.ids import time_ordered_uuid
from earful.core.models import OrgScoped, RowIdField, TimeStamped
from earful.surveys.probing import probe_question
from earful.surveys.scoring import SCORE_TYPES, QuestionType, Tier

MAX_PUBLISHED_QUESTIONS = 5


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class TrustMode(models.TextChoices):
    IDENTIFIED = "identified", "Identified: members see who answered"
    PSEUDONYMOUS = "pseudonymous", "Pseudonymous: members see a stable code, not the customer"
    TRUSTEE = "trustee", "Trustee: nobody in the organization sees who answered"


class Survey(OrgScoped):
    title = models.CharField(max_length=200)
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    status = models.CharField(max_length=12, choices=SurveyStatus.choices, default="draft")
    score_kind = models.CharField(
        max_length=12, blank=True, help_text="Type of the headline score question, set on publish"
    )
    intro = models.TextField(blank=True)
    thank_you = models.TextField(
        blank=True, help_text="The thank-you page's heading; blank: the interface's own words"
    )
    probe_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="The follow-up question after a low, middling or hesitant answer; blank: default",
    )
    trust_mode = models.CharField(
        max_length=12, choices=TrustMode.choices, default=TrustMode.IDENTIFIED
    )
    prize_draw = models.BooleanField(
        default=False, help_text="Offer every respondent, whatever they answer, a prize-draw entry"
    )
    default_language = models.CharField(
        max_length=16, default="en", help_text="The language of the survey's own wording"
    )
    languages = models.JSONField(
        default=list,
        blank=True,
        help_text="Every language the survey speaks, the default first; empty: the default only",
    )
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Wording in the other languages: {"fr": {"title": ..., "intro": ...}}',
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return self.title

    @property
    def spoken_languages(self) -> list[str]:
        """The default language first, then the other declared ones."""
        others = [code for code in self.languages or [] if code != self.default_language]
        return [self.default_language, *others]

    @property
    def is_published(self) -> bool:
        return self.status == SurveyStatus.PUBLISHED

    @property
    def keeps_identity_apart(self) -> bool:
        return self.trust_mode != TrustMode.IDENTIFIED

    @property
    def is_trustee(self) -> bool:
        return self.trust_mode == TrustMode.TRUSTEE


class Question(TimeStamped):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=40)
    type = models.CharField(max_length=16, choices=QuestionType.choices)
    text = models.CharField(max_length=500)
    comment = models.BooleanField(default=False, help_text="Offer a comment box after the score")
    comment_prompt = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Wording in the survey\'s other languages: {"fr": {"text": ..., "choices": []}}',
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="question_key_per_survey")
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"

    @property
    def is_score(self) -> bool:
        return self.type in SCORE_TYPES

    @property
    def comment_key(self) -> str:
        return f"{self.key}_comment"


class Response(OrgScoped):
    """One respondent's answers. The headline score and tier are kept here for fast dashboards."""

    # Every index is written by each answer (the hot path): none that no query uses. The survey
    # is found through the (survey, idempotency_key) and (survey, submitted_at) indexes, nothing
    # looks responses up by `created_at` (`submitted_at` is the answer's time), and the index on
    # the customer leaves out anonymous responses.
    created_at = models.DateTimeField(auto_now_add=True)
    uid = models.UUIDField(default=time_ordered_uuid, unique=True, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    customer = models.ForeignKey(  # indexed where set: see Meta
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    customer_ref = models.CharField(
        max_length=200, blank=True, help_text="External id given with the answer"
    )
    idempotency_key = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, default="link")
    submitted_at = models.DateTimeField(default=timezone.now)
    score = models.SmallIntegerField(null=True, blank=True)
    tier = models.CharField(max_length=20, choices=Tier.choices, blank=True)
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="Null while the respondent has not finished"
    )
    edits = models.PositiveIntegerField(default=0, help_text="Answers changed after first set")
    timings = models.JSONField(default=dict, blank=True, help_text="Milliseconds per question key")
    furthest_position = models.SmallIntegerField(
        null=True, blank=True, help_text="Position of the last question answered (drop-off)"
    )
    probe_trigger = models.CharField(
        max_length=80, blank=True, help_text="Why the follow-up question was asked; blank: not"
    )
    probe_answer = models.TextField(blank=True)
    respondent_code = models.CharField(
        max_length=12, blank=True, help_text="Pseudonymous surveys: a stable code per customer"
    )
    answers_given = models.JSONField(
        default=dict,
        blank=True,
        help_text="The answers by question key (and <key>_comment), as accepted and updated",
    )
    expanded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its Answer rows and feedback items were written; null: not yet",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "idempotency_key"], name="response_idempotency_key_per_survey"
            )
        ]
        indexes = [
            models.Index(fields=["survey", "submitted_at"]),
            # A customer's responses; anonymous ones (most) are left out of the index.
            models.Index(
                fields=["customer"],
                condition=models.Q(customer__isnull=False),
                name="response_customer",
            ),
            # Only the few responses whose Answer rows are not written yet: the expander's queue.
            models.Index(
                fields=["id"],
                condition=models.Q(expanded_at__isnull=True),
                name="response_not_expanded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.uid}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def probe_due(self) -> bool:
        return bool(self.probe_trigger) and not self.probe_answer

    @property
    def probe_question(self) -> str:
        return probe_question(self.probe_trigger, self.survey.probe_text)


class Intake(models.Model):
    """A response accepted and not yet stored as its Response row: the answer endpoint's
    durable record, one narrow row (services/expanding.py). The expansion turns each into its
    Response row, with its Answer rows and feedback items, and deletes it, in one transaction.

    `row` holds the Response's column values as `core.rows.json_row` writes them. No foreign
    key constraint to check on the hot path: the expansion leaves out the rows of a survey
    deleted meanwhile, and the ORM deletes them with the survey."""

    id = RowIdField(primary_key=True)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    idempotency_key = models.CharField(max_length=200)
    row = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "idempotency_key"], name="intake_key_per_survey"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.idempotency_key}"


class ResponseIdentity(models.Model):
    """Who answered a pseudonymous or trustee survey, kept apart from the response.

    Never joined into pages, exports, the API or webhooks; it exists for the customer's own
    rights (export and deletion of their data) and for the contact budget."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_ref = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"identity of response {self.response_id}"


class PrizeDrawEntry(OrgScoped):
    """One respondent's entry to a survey's prize draw. Deliberately not linked to the response:
    what someone answered can never decide, or be found from, their entry."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="prize_entries")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_ref = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=32, unique=True, default=new_public_id)

    def __str__(self) -> str:
        return f"entry {self.code} to {self.survey_id}"


class ResponseUpdate(models.Model):
    """One applied update of a response, by its client key: a retried update is applied once."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="updates")
    key = models.CharField(max_length=200)
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "key"], name="one_update_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.key}"


class Answer(models.Model):
    # Found by response through the unique (response, question) index: no index of its own,
    # which every answer would write.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    choices = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.number or self.text or self.choices}"
