"""Teams, prediction rounds and predictions: the perception gap as a tracked number."""

from __future__ import annotations

import secrets

from django.db import models

from earful.core.models import OrgScoped, TimeStamped


class Team(OrgScoped):
    name = models.CharField(max_length=100)
    members = models.ManyToManyField("accounts.Member", blank=True, related_name="teams")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="team_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class PredictionRound(OrgScoped):
    """Staff predict how customers of one survey (a touchpoint) will rate the period, before
    the answers are seen: predictions close at `locks_at`, the gap shows once it is past."""

    name = models.CharField(max_length=150)
    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateTimeField(help_text="The answers compared: from ...")
    period_end = models.DateTimeField(help_text="... to (exclusive)")
    locks_at = models.DateTimeField(help_text="No prediction is taken or changed after this")

    class Meta:
        indexes = [models.Index(fields=["organization", "period_start"])]

    def __str__(self) -> str:
        return self.name


def new_link_token() -> str:
    return secrets.token_urlsafe(18)


class StaffInvite(TimeStamped):
    """A signed link for staff without a login to give their prediction to one round."""

    round = models.ForeignKey(PredictionRound, on_delete=models.CASCADE, related_name="invites")
    name = models.CharField(max_length=150)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    token = models.CharField(max_length=40, unique=True, default=new_link_token)

    def __str__(self) -> str:
        return f"{self.name} for {self.round_id}"


class Prediction(TimeStamped):
    """One person's expectation for a round: the mean score and the share of customers who
    will be highly satisfied. Seen by that person and by admins only."""

    round = models.ForeignKey(PredictionRound, on_delete=models.CASCADE, related_name="predictions")
    member = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invite = models.OneToOneField(
        StaffInvite, null=True, blank=True, on_delete=models.CASCADE, related_name="prediction"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    score = models.DecimalField(max_digits=5, decimal_places=1, help_text="Headline score")
    highly_satisfied_pct = models.DecimalField(
        max_digits=4, decimal_places=1, help_text="Share of customers highly satisfied, 0-100"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                condition=models.Q(member__isnull=False),
                name="one_prediction_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} / {self.highly_satisfied_pct}% in {self.round_id}"
