from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils import timezone

from earful.core.models import OrgScoped, TimeStamped
from earful.surveys.scoring import SCORE_TYPES, QuestionType, Tier

MAX_PUBLISHED_QUESTIONS = 5


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class Survey(OrgScoped):
    title = models.CharField(max_length=200)
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    status = models.CharField(max_length=12, choices=SurveyStatus.choices, default="draft")
    score_kind = models.CharField(
        max_length=12, blank=True, help_text="Type of the headline score question, set on publish"
    )
    intro = models.TextField(blank=True)
    thank_you = models.TextField(blank=True, default="Thank you! Your answer helps us improve.")
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == SurveyStatus.PUBLISHED


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

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL
    )
    customer_ref = models.CharField(
        max_length=200, blank=True, help_text="External id given with the answer"
    )
    idempotency_key = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, default="link")
    submitted_at = models.DateTimeField(default=timezone.now)
    score = models.SmallIntegerField(null=True, blank=True)
    tier = models.CharField(max_length=20, choices=Tier.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "idempotency_key"], name="response_idempotency_key_per_survey"
            )
        ]
        indexes = [models.Index(fields=["survey", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.uid}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
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
